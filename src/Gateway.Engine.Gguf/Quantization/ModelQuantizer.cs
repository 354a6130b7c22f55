using Gateway.Gguf;
using Gateway.Kernels;

namespace Gateway.Engine.Gguf.Quantization;

/// <summary>
/// Rewrites a GGUF model with its weight matrices in a quantized type (Q8_0, Q4_0, Q4_1, Q4_K, Q6_K), keeping every
/// metadata key and every non-matrix tensor (norms, biases) as it was, as llama.cpp's quantize tool does. Rows whose
/// length does not fit the target's block size (K-quants need multiples of 256) fall back to Q8_0 rather than failing.
/// </summary>
public static class ModelQuantizer
{
    /// <summary>GGUF <c>general.file_type</c> values (llama.cpp's LLAMA_FTYPE_*) for the types we write.</summary>
    private static readonly Dictionary<GgmlType, uint> s_fileTypes = new()
    {
        [GgmlType.F32] = 0,
        [GgmlType.F16] = 1,
        [GgmlType.Q4_0] = 2,
        [GgmlType.Q4_1] = 3,
        [GgmlType.Q8_0] = 7,
        [GgmlType.Q4_K] = 15,
        [GgmlType.Q6_K] = 18,
        [GgmlType.BF16] = 32,
    };

    public static IReadOnlyCollection<GgmlType> SupportedTargets => s_fileTypes.Keys;

    public static QuantizationReport Quantize(string inputPath, string outputPath, GgmlType target, IProgress<double>? progress = null)
    {
        if (!s_fileTypes.ContainsKey(target))
        {
            throw new ArgumentException($"cannot quantize to {GgmlTypeTraits.Name(target)}; targets: {string.Join(", ", s_fileTypes.Keys.Select(GgmlTypeTraits.Name))}", nameof(target));
        }

        using var input = GgufFile.Open(inputPath);
        var writer = new GgufWriter(input.Alignment);
        foreach (var key in input.Metadata.Keys)
        {
            if (key != "general.alignment")
            {
                writer.Set(key, input.Metadata[key]);
            }
        }

        writer.Set("general.file_type", s_fileTypes[target]);
        writer.Set("general.quantization_version", 2u);

        var plan = input.Tensors.Select(t => (Tensor: t, Type: ChooseType(t, target))).ToList();
        long done = 0;
        var total = plan.Sum(p => p.Tensor.ElementCount);
        foreach (var (tensor, type) in plan)
        {
            writer.AddTensor(tensor.Name, type, tensor.Dimensions, stream =>
            {
                ConvertTensor(input, tensor, type, stream);
                done += tensor.ElementCount;
                progress?.Report((double)done / total);
            });
        }

        writer.Save(outputPath);
        return new QuantizationReport(
            plan.Count(p => p.Type == target && p.Tensor.Type != target),
            plan.Where(p => p.Type != target && IsMatrix(p.Tensor)).Select(p => $"{p.Tensor.Name} -> {GgmlTypeTraits.Name(p.Type)}").ToList(),
            new FileInfo(inputPath).Length,
            new FileInfo(outputPath).Length);
    }

    private static bool IsMatrix(GgufTensorInfo t) => t.Dimensions.Length >= 2 && t.Name.EndsWith(".weight", StringComparison.Ordinal);

    private static GgmlType ChooseType(GgufTensorInfo tensor, GgmlType target)
    {
        // Norm vectors and biases are tiny and precision-sensitive: they stay as they are (F32 in practice).
        if (!IsMatrix(tensor))
        {
            return tensor.Type;
        }

        if (tensor.Columns % GgmlTypeTraits.BlockSize(target) == 0)
        {
            return target;
        }

        return tensor.Columns % GgmlTypeTraits.BlockSize(GgmlType.Q8_0) == 0 ? GgmlType.Q8_0 : tensor.Type;
    }

    private static void ConvertTensor(GgufFile input, GgufTensorInfo tensor, GgmlType type, Stream output)
    {
        var source = input.GetTensorBytes(tensor);
        if (type == tensor.Type)
        {
            output.Write(source);
            return;
        }

        var cols = (int)tensor.Columns;
        var inRowBytes = (int)GgmlTypeTraits.RowBytes(tensor.Type, cols);
        var outRow = new byte[GgmlTypeTraits.RowBytes(type, cols)];
        var floats = new float[cols];
        for (long r = 0; r < tensor.Rows; r++)
        {
            Dequantizer.DequantizeRow(tensor.Type, source.Slice((int)(r * inRowBytes), inRowBytes), floats);
            Quantizer.QuantizeRow(type, floats, outRow);
            output.Write(outRow);
        }
    }
}

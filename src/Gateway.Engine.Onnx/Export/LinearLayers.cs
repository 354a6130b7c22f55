using System.Runtime.InteropServices;

namespace Gateway.Engine.Onnx.Export;

/// <summary>Emits x·Wᵀ (+ bias) for a GGUF [out][in] matrix, as MatMulNBits (INT4) or as a float MatMul.</summary>
internal sealed class LinearLayers(GraphBuilder graph, ExportPrecision precision, int accuracyLevel)
{
    public string Apply(string name, string input, GgufMatrix weight, float[]? bias = null)
    {
        string output;
        if (precision == ExportPrecision.Int4)
        {
            var (packed, scales) = MatMulNBitsPacker.Pack(weight);
            var blocks = (weight.Columns + MatMulNBitsPacker.BlockSize - 1) / MatMulNBitsPacker.BlockSize;
            var b = graph.ByteInitializer(name + ".qweight", packed, weight.Rows, blocks, 16);
            var s = graph.FloatInitializer(name + ".scales", scales, (long)weight.Rows * blocks);
            output = graph.Node("MatMulNBits", name + "/MatMulNBits", [input, b, s], 1, GraphBuilder.MicrosoftDomain,
                GraphBuilder.Int("K", weight.Columns),
                GraphBuilder.Int("N", weight.Rows),
                GraphBuilder.Int("bits", 4),
                GraphBuilder.Int("block_size", MatMulNBitsPacker.BlockSize),
                GraphBuilder.Int("accuracy_level", accuracyLevel))[0];
        }
        else
        {
            output = graph.Node("MatMul", name + "/MatMul", [input, graph.FloatInitializer(name + ".weight", Transpose(weight), weight.Columns, weight.Rows)], 1)[0];
        }

        return bias is null ? output : graph.Node("Add", name + "/Add", [output, graph.FloatInitializer(name + ".bias", bias, bias.Length)], 1)[0];
    }

    /// <summary>MatMul's B is [in][out]: the transpose of GGUF's order.</summary>
    private static byte[] Transpose(GgufMatrix m)
    {
        var src = m.ToFloats();
        var bytes = new byte[(long)m.Rows * m.Columns * 4];
        var dst = MemoryMarshal.Cast<byte, float>(bytes.AsSpan());
        for (var r = 0; r < m.Rows; r++)
        {
            for (var c = 0; c < m.Columns; c++)
            {
                dst[(c * m.Rows) + r] = src[(r * m.Columns) + c];
            }
        }

        return bytes;
    }
}

using Gateway.Gguf;
using Gateway.Inference;
using Gateway.Engine.Onnx.Protobuf;
using Gateway.Engine.Onnx.Tokenizers;
using Google.Protobuf;

namespace Gateway.Engine.Onnx.Export;

/// <summary>What an export wrote.</summary>
public sealed record OnnxExportResult(string Directory, long ModelBytes, long ExternalDataBytes, int Nodes, int Initializers);

/// <summary>
/// Turns a Llama-family GGUF into an ONNX Runtime GenAI model folder: <c>model.onnx</c> (+ <c>model.onnx.data</c>
/// when the weights pass protobuf's 2 GiB limit), <c>genai_config.json</c>, <c>tokenizer.json</c>,
/// <c>tokenizer_config.json</c> (which carries the chat template).
/// </summary>
public static class OnnxExporter
{
    public const string ModelFile = "model.onnx";

    /// <summary>Protobuf cannot hold a message over 2 GiB; past this many weight bytes they go to a side file.</summary>
    public const long DefaultExternalDataThreshold = 1L << 30;

    public static OnnxExportResult Export(string ggufPath, string outputDirectory, ExportPrecision precision, long externalDataThreshold = DefaultExternalDataThreshold)
    {
        ArgumentNullException.ThrowIfNull(ggufPath);
        ArgumentNullException.ThrowIfNull(outputDirectory);
        using var file = GgufFile.Open(ggufPath);
        var shape = DecoderShape.Read(file);
        var vocab = GgufVocabulary.Read(file);
        var model = DecoderGraph.Build(file, shape, precision);
        model.DocString = $"Exported from {Path.GetFileName(ggufPath)} ({precision}) by llm-gateway export-onnx.";

        Directory.CreateDirectory(outputDirectory);
        var external = MoveLargeInitializersOut(model, outputDirectory, externalDataThreshold);
        var modelPath = Path.Combine(outputDirectory, ModelFile);
        using (var stream = File.Create(modelPath))
        {
            model.WriteTo(stream);
        }

        GenAiConfigWriter.Write(outputDirectory, shape, vocab, ModelFile);
        TokenizerJsonWriter.Write(vocab, outputDirectory, shape.ContextLength, ggufPath);
        return new OnnxExportResult(outputDirectory, new FileInfo(modelPath).Length, external, model.Graph.Node.Count, model.Graph.Initializer.Count);
    }

    /// <summary>
    /// When the initializers together pass <paramref name="threshold"/>, writes every sizeable one to
    /// <c>model.onnx.data</c> and leaves ONNX's external-data reference (location, offset, length) in its place.
    /// </summary>
    private static long MoveLargeInitializersOut(ModelProto model, string directory, long threshold)
    {
        var dataName = ModelFile + ".data";
        var dataPath = Path.Combine(directory, dataName);
        if (File.Exists(dataPath))
        {
            File.Delete(dataPath);
        }

        var total = model.Graph.Initializer.Sum(t => (long)t.RawData.Length);
        if (total <= threshold)
        {
            return 0;
        }

        using var data = File.Create(dataPath);
        foreach (var tensor in model.Graph.Initializer)
        {
            if (tensor.RawData.Length < 1024)
            {
                continue;
            }

            // Offsets aligned to 4 KiB let ONNX Runtime map the weights instead of copying them.
            var offset = (data.Position + 4095) / 4096 * 4096;
            data.Position = offset;
            tensor.RawData.WriteTo(data);
            tensor.DataLocation = TensorProto.Types.DataLocation.External;
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = dataName });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = tensor.RawData.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            tensor.ClearRawData();
        }

        return data.Length;
    }
}

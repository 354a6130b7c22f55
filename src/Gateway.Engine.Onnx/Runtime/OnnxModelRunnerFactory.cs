using Gateway.Gguf;
using Gateway.Inference;
using Gateway.Engine.Onnx.Protobuf;
using Gateway.Engine.Onnx.Tokenizers;
using Microsoft.ML.OnnxRuntime;

namespace Gateway.Engine.Onnx.Runtime;

/// <summary>Opens an ONNX Runtime GenAI model folder as a runner for the scheduler, validating it completely at load.</summary>
public static class OnnxModelRunnerFactory
{
    /// <summary>Name the gateway reports for this engine (e.g. in <c>/v1/models</c>).</summary>
    public const string EngineName = "onnxruntime";

    /// <summary>Whether <paramref name="path"/> is a model folder this engine serves (it holds genai_config.json).</summary>
    public static bool IsModelFolder(string path) => GenAiModelConfig.IsModelFolder(path);

    public static IModelRunner Load(string directory, OnnxModelLoadOptions options, OnnxRunnerOptions onnxOptions)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(onnxOptions);
        onnxOptions.Validate();
        var config = GenAiModelConfig.Read(directory);
        var tokenizer = TokenizerJsonReader.Load(directory, config.BosId, config.EosIds.Length > 0 ? config.EosIds[0] : -1);
        if (tokenizer.VocabSize > config.VocabSize)
        {
            throw new ModelLoadException(directory, $"tokenizer has {tokenizer.VocabSize} tokens but the model only {config.VocabSize}");
        }

        var (parameters, weights) = Describe(config.DecoderPath);
        var session = OnnxSessionFactory.Open(config, onnxOptions, options.EffectiveThreads);
        try
        {
            var feedsPositions = DecoderSignature.Validate(session, config);
            var context = options.ContextLength > 0 ? Math.Min(options.ContextLength, config.ContextLength) : config.ContextLength;
            var name = options.ModelName ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
            var info = new ModelInfo(name, config.ModelType, config.VocabSize, context, parameters, weights,
                TokenizerConfig.Read(directory).ChatTemplate, Path.GetFullPath(directory)) { Engine = EngineName };
            return new OnnxModelRunner(config, session, feedsPositions, tokenizer, info, options, onnxOptions);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Parameter count and weight format, from the graph's initializers (4-bit blocks count two per byte).</summary>
    private static (long Parameters, string Summary) Describe(string modelPath)
    {
        ModelProto model;
        try
        {
            using var stream = File.OpenRead(modelPath);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (Exception ex) when (ex is Google.Protobuf.InvalidProtocolBufferException or IOException)
        {
            throw new ModelLoadException(modelPath, $"not an ONNX model: {ex.Message}", ex);
        }

        var nbits = model.Graph.Node.Where(n => n.OpType == "MatMulNBits" && n.Input.Count > 1).Select(n => n.Input[1]).ToHashSet(StringComparer.Ordinal);
        long parameters = 0;
        foreach (var tensor in model.Graph.Initializer)
        {
            var elements = tensor.Dims.Aggregate(1L, (a, d) => a * d);
            parameters += nbits.Contains(tensor.Name) ? elements * 2 : elements;
        }

        var quantized = model.Graph.Node.Any(n => n.OpType == "MatMulNBits");
        var fp16 = model.Graph.Initializer.Any(t => t.DataType == (int)TensorProto.Types.DataType.Float16);
        return (parameters, $"ONNX {(quantized ? "INT4 MatMulNBits" : fp16 ? "FP16" : "FP32")} (ONNX Runtime {OrtEnv.Instance().GetVersionString()})");
    }
}

using Gateway.Engine.Gguf;
using Gateway.Engine.Onnx.Runtime;
using Gateway.Inference;

namespace Gateway.Hosting;

/// <summary>
/// Picks the engine by model format: a folder (an ONNX Runtime GenAI model folder, with genai_config.json) is served by
/// ONNX Runtime, a file by our own GGUF engine. Both are the same <see cref="IModelRunner"/> to everything above.
/// </summary>
internal static class ModelEngines
{
    public static IModelRunner Load(string path, ModelRunnerOptions options, IConfiguration configuration)
    {
        if (!Directory.Exists(path))
        {
            return ModelRunnerFactory.Load(path, options);
        }

        var onnx = new OnnxRunnerOptions();
        configuration.GetSection(OnnxRunnerOptions.SectionName).Bind(onnx);
        try
        {
            onnx.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException(ex.Message, ex);
        }

        return OnnxModelRunnerFactory.Load(path, new OnnxModelLoadOptions
        {
            BlockSize = options.BlockSize,
            KvCacheMemoryMiB = options.KvCacheMemoryMiB,
            KvCacheBlocks = options.KvCacheBlocks,
            MaxBatchTokens = options.MaxBatchTokens,
            Threads = options.Threads,
            ContextLength = options.ContextLength,
            ModelName = options.ModelName,
        }, onnx);
    }
}

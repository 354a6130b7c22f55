using Gateway.Engine.Gguf;
using Gateway.Models;
using Gateway.Serving;

namespace Gateway.Hosting;

/// <summary>
/// Builds the runner's settings from the <c>Model</c> and <c>Serving</c> sections' options classes, so each setting has
/// exactly one home (and one default) however many components read it.
/// </summary>
internal static class EngineOptions
{
    public static ModelRunnerOptions From(ModelSourceOptions model, ServingOptions serving) => new()
    {
        BlockSize = serving.BlockSize,
        KvCacheMemoryMiB = serving.KvCacheMemoryMiB,
        KvCacheType = serving.KvCacheType,
        MaxBatchTokens = serving.MaxBatchTokens,
        Threads = model.Threads,
        ContextLength = model.ContextLength,
        ModelName = model.Name,
    };
}

using Gateway.Engine.Runner;

namespace Gateway.Serving.Tests.TestDoubles;

/// <summary>
/// The model runners the end-to-end serving tests run against. Each case must be deterministic for greedy and seeded
/// sampling and keep its KV cache in the block ids the serving layer hands it. A real model is one more name here.
/// </summary>
internal static class RunnerCases
{
    public const string Hashing = "hashing";
    public const string Stories260K = "stories260K";

    public static IEnumerable<string> Names => [Hashing, Stories260K];

    /// <summary>A runner with exactly <paramref name="blockCount"/> KV blocks. The real model's EOS always ends generation.</summary>
    public static IModelRunner Create(string name, int blockSize, int blockCount, bool eosEndsGeneration) => name switch
    {
        Hashing => new HashingRunner(TestTokenizer.Letters(eosEndsGeneration), blockSize, blockCount),
        Stories260K => ModelRunnerFactory.Load(
            SharedModels.Path("stories260K.gguf"),
            new ModelRunnerOptions { BlockSize = blockSize, KvCacheBlocks = blockCount, KvCacheType = KvCacheType.F32, Threads = 1 }),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown runner case."),
    };
}

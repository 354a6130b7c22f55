using Gateway.Engine.Gguf;
using Gateway.Inference;

namespace Gateway.Serving.Tests.TestDoubles;

/// <summary>
/// The model runners the end-to-end serving tests run against. Each case must be deterministic for greedy and seeded
/// sampling and keep its KV cache in the block ids the serving layer hands it. A real model is one more name here.
/// </summary>
internal static class RunnerCases
{
    public const string Hashing = "hashing";
    public const string Stories260K = "stories260K";
    public const string SyntheticQ4 = "synthetic-smollm2-q4_0";

    private static readonly Lazy<string> SyntheticPath = new(WriteSynthetic);

    public static IEnumerable<string> Names => [Hashing, Stories260K, SyntheticQ4];

    /// <summary>A runner with exactly <paramref name="blockCount"/> KV blocks. The real model's EOS always ends generation.</summary>
    public static IModelRunner Create(string name, int blockSize, int blockCount, bool eosEndsGeneration) => name switch
    {
        Hashing => new HashingRunner(TestTokenizer.Letters(eosEndsGeneration), blockSize, blockCount),
        Stories260K => ModelRunnerFactory.Load(
            TestModels.Path("stories260K.gguf"),
            new ModelRunnerOptions { BlockSize = blockSize, KvCacheBlocks = blockCount, KvCacheType = KvCacheType.F32, Threads = 1 }),
        SyntheticQ4 => ModelRunnerFactory.Load(
            SyntheticPath.Value,
            new ModelRunnerOptions { BlockSize = blockSize, KvCacheBlocks = blockCount, Threads = 2 }),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown runner case."),
    };

    /// <summary>
    /// The SmolLM2 tokenizer and attention layout (GQA 3:1, tied embeddings) in INT4, shrunk in depth and width so it is
    /// written in a moment: exercises the quantized kernels and the batched kernel path under the scheduler.
    /// </summary>
    private static string WriteSynthetic()
    {
        var spec = Gateway.Engine.Gguf.Synthetic.SyntheticModelSpec.Known["smollm2-135m"] with
        {
            EmbeddingLength = 192, BlockCount = 2, HeadCount = 6, KvHeadCount = 2, FeedForwardLength = 256, ContextLength = 1024,
        };
        var path = TestScratch.Path("serving-smollm2-q4_0.gguf");
        Gateway.Engine.Gguf.Synthetic.SyntheticModelWriter.Write(spec, TestModels.Path(spec.TokenizerFile), Gateway.Kernels.GgmlType.Q4_0, path, seed: 3);
        return path;
    }
}

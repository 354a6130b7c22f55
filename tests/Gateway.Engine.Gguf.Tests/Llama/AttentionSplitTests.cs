using Gateway.Engine.Gguf.Synthetic;
using Gateway.Inference;
using Gateway.Kernels;

namespace Gateway.Engine.Gguf.Tests.Llama;

/// <summary>
/// A single long sequence's decode attention is split across threads by KV heads, and keys are read block by block
/// from the cache's dimension-major layout. Neither may change a bit of the logits: one thread against two, for block
/// sizes below, at and above the score kernel's 16-position vector.
/// </summary>
public sealed class AttentionSplitTests : IDisposable
{
    // Heads of 64 dimensions and a context long enough that decode attention is worth spreading over the threads.
    private static readonly SyntheticModelSpec Spec = SyntheticModelSpec.Known["llama-134m"] with
    {
        Name = "llama-split", EmbeddingLength = 256, BlockCount = 1, HeadCount = 4, KvHeadCount = 2, FeedForwardLength = 256, ContextLength = 1024,
    };

    private readonly string _dir = Directory.CreateTempSubdirectory("attention-split").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(16, KvCacheType.F16)]
    [InlineData(8, KvCacheType.F16)]
    [InlineData(24, KvCacheType.F32)]
    [InlineData(32, KvCacheType.F16)]
    public void Decode_logits_are_identical_on_one_thread_and_split_over_two(int blockSize, KvCacheType kvType)
    {
        var path = Path.Combine(_dir, "model.gguf");
        SyntheticModelWriter.Write(Spec, TestModels.Path(Spec.TokenizerFile), GgmlType.Q8_0, path, seed: 3);
        var prompt = Enumerable.Range(0, 700).Select(i => 300 + (i * 7919 % 30000)).ToArray();

        var one = Run(path, threads: 1, blockSize, kvType, prompt);
        var two = Run(path, threads: 2, blockSize, kvType, prompt);

        for (var step = 0; step < one.Length; step++)
        {
            Assert.True(one[step].AsSpan().SequenceEqual(two[step]), $"step {step} differs between one and two threads");
            Assert.All(one[step], l => Assert.True(float.IsFinite(l)));
        }
    }

    [Theory]
    [InlineData(4, 4, 16)]
    [InlineData(4, 2, 16)]
    [InlineData(4, 1, 32)]
    public void A_token_decoded_alone_gets_the_bits_it_gets_inside_a_prefill_chunk(int heads, int kvHeads, int blockSize)
    {
        // Alone, a token's attention reads the fp16 cache directly (where AVX-512 allows); inside a chunk it reads
        // the chunk's widened copy. Query groups of 1, 2 and 4 per KV head.
        var spec = Spec with { HeadCount = heads, KvHeadCount = kvHeads };
        var path = Path.Combine(_dir, $"model-{heads}-{kvHeads}.gguf");
        SyntheticModelWriter.Write(spec, TestModels.Path(spec.TokenizerFile), GgmlType.Q8_0, path, seed: 4);
        var prompt = Enumerable.Range(0, 300).Select(i => 300 + (i * 7919 % 30000)).ToArray();
        var blocks = (prompt.Length + blockSize - 1) / blockSize;
        using var runner = ModelRunnerFactory.Load(path, new ModelRunnerOptions
        {
            BlockSize = blockSize, KvCacheBlocks = 2 * blocks, KvCacheType = KvCacheType.F16, MaxBatchTokens = 256, Threads = 2,
        });
        var inChunk = Prefill(runner, prompt, Enumerable.Range(0, blocks).ToArray());
        var table = Enumerable.Range(blocks, blocks).ToArray();
        Prefill(runner, prompt[..^1], table);
        var alone = new float[runner.Info.VocabSize];
        runner.Forward([new SequenceChunk(prompt[^1..], prompt.Length - 1, table, true)], alone);

        Assert.True(inChunk.AsSpan().SequenceEqual(alone), "the last prompt token's logits differ between a chunk and a decode step");
    }

    private static float[] Prefill(IModelRunner runner, int[] prompt, int[] table)
    {
        var logits = new float[runner.Info.VocabSize];
        for (var start = 0; start < prompt.Length; start += runner.MaxBatchTokens)
        {
            var length = Math.Min(runner.MaxBatchTokens, prompt.Length - start);
            runner.Forward([new SequenceChunk(prompt.AsMemory(start, length), start, table, start + length == prompt.Length)], logits);
        }

        return logits;
    }

    private static float[][] Run(string path, int threads, int blockSize, KvCacheType kvType, int[] prompt)
    {
        var blocks = (prompt.Length + 4 + blockSize - 1) / blockSize;
        using var runner = ModelRunnerFactory.Load(path, new ModelRunnerOptions
        {
            BlockSize = blockSize, KvCacheBlocks = blocks, KvCacheType = kvType, MaxBatchTokens = 256, Threads = threads,
        });
        var table = Enumerable.Range(0, blocks).ToArray();
        var vocab = runner.Info.VocabSize;
        var logits = new float[3][];
        logits[0] = new float[vocab];
        for (var start = 0; start < prompt.Length; start += 256)
        {
            var length = Math.Min(256, prompt.Length - start);
            runner.Forward([new SequenceChunk(prompt.AsMemory(start, length), start, table, start + length == prompt.Length)], logits[0]);
        }

        for (var step = 1; step < logits.Length; step++)
        {
            var next = Array.IndexOf(logits[step - 1], logits[step - 1].Max());
            logits[step] = new float[vocab];
            runner.Forward([new SequenceChunk(new[] { next }, prompt.Length + step - 1, table, true)], logits[step]);
        }

        return logits;
    }
}

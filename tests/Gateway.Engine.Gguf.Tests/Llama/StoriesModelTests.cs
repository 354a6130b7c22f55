using Gateway.Engine.Gguf.Quantization;
using Gateway.Inference;
using Gateway.Kernels;
using Gateway.Sampling;

namespace Gateway.Engine.Gguf.Tests.Llama;

/// <summary>The real TinyStories 260K model: our forward pass must reproduce its documented greedy output.</summary>
public sealed class StoriesModelTests
{
    public const string Golden =
        " Once upon a time, there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. She wanted to play with it, but it was too high";

    [Theory]
    [InlineData(KvCacheType.F32)]
    [InlineData(KvCacheType.F16)]
    public void Greedy_generation_from_bos_matches_the_documented_text(KvCacheType kvType)
    {
        using var runner = ModelRunnerFactory.Load(SharedModels.Path("stories260K.gguf"), new ModelRunnerOptions { KvCacheType = kvType, KvCacheMemoryMiB = 4 });
        Assert.Equal(Golden, GreedyText(runner, 60));
    }

    [Fact]
    public void Prefill_in_one_chunk_or_token_by_token_gives_the_same_logits()
    {
        using var runner = ModelRunnerFactory.Load(SharedModels.Path("stories260K.gguf"), new ModelRunnerOptions { KvCacheMemoryMiB = 4, KvCacheType = KvCacheType.F32 });
        var prompt = runner.Tokenizer.Encode("Once upon a time, there was a cat", addBos: true, parseSpecial: false);
        var table = Enumerable.Range(0, 8).ToArray();
        var whole = new float[runner.Info.VocabSize];
        runner.Forward([new SequenceChunk(prompt, 0, table, true)], whole);
        var stepwise = new float[runner.Info.VocabSize];
        for (var i = 0; i < prompt.Length; i++)
        {
            runner.Forward([new SequenceChunk(prompt.AsMemory(i, 1), i, table, i == prompt.Length - 1)], stepwise);
        }

        for (var v = 0; v < whole.Length; v++)
        {
            Assert.Equal(whole[v], stepwise[v], 3);
        }
    }

    [Fact]
    public void Two_sequences_in_one_batch_match_each_run_alone()
    {
        using var runner = ModelRunnerFactory.Load(SharedModels.Path("stories260K.gguf"), new ModelRunnerOptions { KvCacheMemoryMiB = 4, KvCacheType = KvCacheType.F32 });
        var a = runner.Tokenizer.Encode("The dog ran", true, false);
        var b = runner.Tokenizer.Encode("Lily saw a big red ball and", true, false);
        int[] tableA = [0, 1], tableB = [5, 3];
        var alone = new float[2 * runner.Info.VocabSize];
        runner.Forward([new SequenceChunk(a, 0, tableA, true)], alone.AsSpan(0, runner.Info.VocabSize));
        runner.Forward([new SequenceChunk(b, 0, tableB, true)], alone.AsSpan(runner.Info.VocabSize));
        var batched = new float[2 * runner.Info.VocabSize];
        runner.Forward([new SequenceChunk(a, 0, new[] { 2, 4 }, true), new SequenceChunk(b, 0, new[] { 6, 7 }, true)], batched);
        for (var v = 0; v < batched.Length; v++)
        {
            Assert.Equal(alone[v], batched[v], 3);
        }
    }

    /// <summary>
    /// Agreement of the quantized model with F32 greedy output (measured: Q8_0 keeps all 60 tokens; Q4_0 the first 27, i.e. the first
    /// sentences). The thresholds guard against kernel regressions, which show up as early divergence.
    /// </summary>
    [Theory]
    [InlineData(GgmlType.Q8_0, 60)]
    [InlineData(GgmlType.Q4_0, 25)]
    public void Quantized_models_agree_with_f32_greedy_output(GgmlType type, int minimumAgreeingTokens)
    {
        var path = Path.Combine(Path.GetTempPath(), $"stories260K-{type}-{Guid.NewGuid():N}.gguf");
        try
        {
            ModelQuantizer.Quantize(SharedModels.Path("stories260K.gguf"), path, type);
            using var reference = ModelRunnerFactory.Load(SharedModels.Path("stories260K.gguf"), new ModelRunnerOptions { KvCacheMemoryMiB = 4 });
            using var quantized = ModelRunnerFactory.Load(path, new ModelRunnerOptions { KvCacheMemoryMiB = 4 });
            Assert.Contains(type.ToString(), quantized.Info.WeightTypeSummary, StringComparison.Ordinal);
            var expected = GreedyTokens(reference, 60);
            var actual = GreedyTokens(quantized, 60);
            var agreeing = expected.Zip(actual).TakeWhile(p => p.First == p.Second).Count();
            Assert.True(agreeing >= minimumAgreeingTokens, $"{type}: only the first {agreeing} tokens agree with F32");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Version_2_files_load_like_version_3()
    {
        // v2 and v3 share the layout (v3 added big-endian files, which carry a different magic order).
        var path = Path.Combine(Path.GetTempPath(), $"v2-{Guid.NewGuid():N}.gguf");
        var bytes = File.ReadAllBytes(SharedModels.Path("stories260K.gguf"));
        bytes[4] = 2;
        File.WriteAllBytes(path, bytes);
        try
        {
            using var runner = ModelRunnerFactory.Load(path, new ModelRunnerOptions { KvCacheMemoryMiB = 4 });
            Assert.Equal(Golden, GreedyText(runner, 60));
        }
        finally
        {
            File.Delete(path);
        }
    }

    internal static string GreedyText(IModelRunner runner, int tokens)
    {
        var detokenizer = runner.Tokenizer.CreateStreamingDetokenizer();
        var text = string.Concat(GreedyTokens(runner, tokens).Select(detokenizer.Append)) + detokenizer.Flush();
        return text;
    }

    internal static List<int> GreedyTokens(IModelRunner runner, int tokens)
    {
        var prompt = new[] { runner.Tokenizer.BosId };
        var sampler = new Sampler(SamplingParams.Greedy, runner.Info.VocabSize, prompt);
        return new TextGenerator(runner).Generate(prompt, sampler, tokens).Select(t => t.Id).ToList();
    }
}

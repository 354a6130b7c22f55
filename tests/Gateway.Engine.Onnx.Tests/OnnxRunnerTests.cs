using Gateway.Engine.Onnx.Export;
using Gateway.Inference;

namespace Gateway.Engine.Onnx.Tests;

/// <summary>The paged-step contract on the ONNX runner: chunking, batching and block placement must not change logits.</summary>
public sealed class OnnxRunnerTests
{
    [Fact]
    public void Prefill_in_one_chunk_in_pieces_or_token_by_token_gives_the_same_logits()
    {
        using var runner = StoriesExportTests.Load(ExportPrecision.Fp32);
        var prompt = runner.Tokenizer.Encode("Once upon a time, there was a cat", addBos: true, parseSpecial: false);
        var table = new[] { 5, 2, 7 };
        var whole = new float[runner.Info.VocabSize];
        runner.Forward([new SequenceChunk(prompt, 0, table, true)], whole);

        var pieces = new float[runner.Info.VocabSize];
        runner.Forward([new SequenceChunk(prompt.AsMemory(0, 3), 0, table, false)], pieces);
        runner.Forward([new SequenceChunk(prompt.AsMemory(3), 3, table, true)], pieces);

        var stepwise = new float[runner.Info.VocabSize];
        for (var i = 0; i < prompt.Length; i++)
        {
            runner.Forward([new SequenceChunk(prompt.AsMemory(i, 1), i, table, i == prompt.Length - 1)], stepwise);
        }

        for (var v = 0; v < whole.Length; v++)
        {
            Assert.Equal(whole[v], pieces[v], 1e-3);
            Assert.Equal(whole[v], stepwise[v], 1e-3);
        }
    }

    [Fact]
    public void Sequences_batched_in_one_step_match_each_run_alone_whatever_their_lengths()
    {
        using var runner = StoriesExportTests.Load(ExportPrecision.Fp32);
        var vocab = runner.Info.VocabSize;
        int[][] prompts =
        [
            runner.Tokenizer.Encode("The dog ran", true, false),
            runner.Tokenizer.Encode("Lily saw a big red ball and", true, false),
            runner.Tokenizer.Encode("Tom", true, false),
        ];
        int[][] tables = [[0, 1], [2, 3], [4, 5]];
        var alone = new float[3][];
        for (var s = 0; s < 3; s++)
        {
            alone[s] = new float[vocab];
            runner.Forward([new SequenceChunk(prompts[s], 0, tables[s], true)], alone[s]);
        }

        // Again in other blocks: all three prefills in one step, then one decode step over the three rows together.
        int[][] moved = [[10, 11], [12, 13], [14, 15]];
        var batched = new float[3 * vocab];
        runner.Forward([.. Enumerable.Range(0, 3).Select(s => new SequenceChunk(prompts[s], 0, moved[s], true))], batched);
        for (var s = 0; s < 3; s++)
        {
            AssertClose(alone[s], batched.AsSpan(s * vocab, vocab));
        }

        var next = new int[3];
        for (var s = 0; s < 3; s++)
        {
            next[s] = Greedy.ArgMax(alone[s]);
            runner.Forward([new SequenceChunk(new[] { next[s] }, prompts[s].Length, tables[s], true)], alone[s]);
        }

        runner.Forward([.. Enumerable.Range(0, 3).Select(s => new SequenceChunk(new[] { next[s] }, prompts[s].Length, moved[s], true))], batched);
        for (var s = 0; s < 3; s++)
        {
            AssertClose(alone[s], batched.AsSpan(s * vocab, vocab));
        }
    }

    [Fact]
    public void A_sequence_continues_from_blocks_another_sequence_filled_as_with_prefix_caching()
    {
        using var runner = StoriesExportTests.Load(ExportPrecision.Fp32);
        var vocab = runner.Info.VocabSize;
        var prompt = runner.Tokenizer.Encode("Once upon a time, there was a little dog named Max and", true, false);
        Assert.True(prompt.Length > 16);
        var whole = new float[vocab];
        runner.Forward([new SequenceChunk(prompt, 0, new[] { 3, 4 }, true)], whole);

        // A second sequence shares block 3 (the first 16 positions) and computes only the rest into its own block 9.
        var shared = new float[vocab];
        runner.Forward([new SequenceChunk(prompt.AsMemory(16), 16, new[] { 3, 9 }, true)], shared);
        AssertClose(whole, shared);
    }

    [Fact]
    public void Bad_chunks_are_refused_naming_the_problem()
    {
        using var runner = StoriesExportTests.Load(ExportPrecision.Fp32, blocks: 4);
        var logits = new float[runner.Info.VocabSize];
        Assert.Contains("KV block 4", Assert.Throws<ArgumentException>(() => runner.Forward([new SequenceChunk(new[] { 1 }, 0, new[] { 4 }, true)], logits)).Message);
        Assert.Contains("outside the vocabulary", Assert.Throws<ArgumentException>(() => runner.Forward([new SequenceChunk(new[] { 100000 }, 0, new[] { 0 }, true)], logits)).Message);
        Assert.Contains("covers 16 positions", Assert.Throws<ArgumentException>(() => runner.Forward([new SequenceChunk(new int[20], 0, new[] { 0 }, true)], logits)).Message);
    }

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var v = 0; v < expected.Length; v++)
        {
            Assert.Equal(expected[v], actual[v], 1e-3);
        }
    }
}

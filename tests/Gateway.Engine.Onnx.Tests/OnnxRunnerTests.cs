using Gateway.Engine.Onnx.Export;
using Gateway.Engine.Onnx.Runtime;
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
    public void Prompts_from_position_zero_share_one_run_as_padded_rows_and_decode_on_as_if_run_alone()
    {
        // Enough blocks for 16 staging rows: the three prompts need three free rows side by side.
        using var runner = StoriesExportTests.Load(ExportPrecision.Fp32, blocks: 256);
        var onnx = (OnnxModelRunner)runner;
        var vocab = runner.Info.VocabSize;
        var text = runner.Tokenizer.Encode("Once upon a time, there was a little dog named Max and he liked to run in the park", true, false);
        Assert.True(text.Length > 20);
        int[][] prompts = [text[..7], text[2..8], text[4..9]];
        var decoding = text[..4];
        var cached = text[..20];

        // Alone, in blocks 0..7: each prompt; the decoding sequence's prompt; the cached prompt's full prefill.
        var alone = new float[5][];
        for (var s = 0; s < 3; s++)
        {
            alone[s] = new float[vocab];
            runner.Forward([new SequenceChunk(prompts[s], 0, new[] { s }, true, 100 + s)], alone[s]);
        }

        var decodingLogits = new float[vocab];
        runner.Forward([new SequenceChunk(decoding, 0, new[] { 3 }, true, 103)], decodingLogits);
        var next = Greedy.ArgMax(decodingLogits);
        alone[3] = new float[vocab];
        runner.Forward([new SequenceChunk(new[] { next }, 4, new[] { 3 }, true, 103)], alone[3]);
        alone[4] = new float[vocab];
        runner.Forward([new SequenceChunk(cached, 0, new[] { 4, 5 }, true, 104)], alone[4]);

        // Together, in other blocks: a decode row, a prompt after a cached prefix (block 4 shared), three fresh prompts.
        runner.Forward([new SequenceChunk(decoding, 0, new[] { 10 }, true, 200)], decodingLogits);
        var before = onnx.Runs;
        var together = new float[5 * vocab];
        runner.Forward(
        [
            new SequenceChunk(prompts[0], 0, new[] { 11 }, true, 201),
            new SequenceChunk(new[] { next }, 4, new[] { 10 }, true, 200),
            new SequenceChunk(prompts[1], 0, new[] { 12 }, true, 202),
            new SequenceChunk(cached.AsMemory(16), 16, new[] { 4, 13 }, true, 203),
            new SequenceChunk(prompts[2], 0, new[] { 14 }, true, 204),
        ], together);

        // One run for the decode row, one for the prompt after a past, one for the three fresh prompts.
        Assert.Equal(3, onnx.Runs - before);
        AssertClose(alone[0], together.AsSpan(0, vocab));
        AssertClose(alone[3], together.AsSpan(vocab, vocab));
        AssertClose(alone[1], together.AsSpan(2 * vocab, vocab));
        AssertClose(alone[4], together.AsSpan(3 * vocab, vocab));
        AssertClose(alone[2], together.AsSpan(4 * vocab, vocab));

        // The padded rows hold exactly their prompts: the next decode step reads them as if each had run alone.
        var ids = new long[] { 201, 202, 204 };
        int[] blocks = [11, 12, 14];
        var decoded = new float[3 * vocab];
        var expected = new float[vocab];
        runner.Forward([.. Enumerable.Range(0, 3).Select(s => new SequenceChunk(new[] { Greedy.ArgMax(alone[s]) }, prompts[s].Length, new[] { blocks[s] }, true, ids[s]))], decoded);
        for (var s = 0; s < 3; s++)
        {
            runner.Forward([new SequenceChunk(new[] { Greedy.ArgMax(alone[s]) }, prompts[s].Length, new[] { s }, true, 100 + s)], expected);
            AssertClose(expected, decoded.AsSpan(s * vocab, vocab));
        }
    }

    [Fact]
    public void Fresh_prompts_of_very_different_lengths_run_apart_rather_than_pad_the_short_one()
    {
        using var runner = StoriesExportTests.Load(ExportPrecision.Fp32);
        var onnx = (OnnxModelRunner)runner;
        var text = runner.Tokenizer.Encode("Once upon a time, there was a little dog named Max and he liked to run in the park with his friends every day", true, false);
        Assert.True(text.Length >= 30);
        var logits = new float[2 * runner.Info.VocabSize];
        var before = onnx.Runs;
        runner.Forward([new SequenceChunk(text[..30], 0, new[] { 0, 1 }, true, 1), new SequenceChunk(text[..3], 0, new[] { 2 }, true, 2)], logits);
        Assert.Equal(2, onnx.Runs - before);
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

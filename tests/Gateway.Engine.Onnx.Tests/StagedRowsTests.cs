using Gateway.Engine.Onnx.Export;
using Gateway.Inference;

namespace Gateway.Engine.Onnx.Tests;

/// <summary>
/// The ONNX runner keeps each sequence's staged KV row from step to step. Whatever the schedule does — sequences
/// joining, leaving, skipping steps, prompts split over steps, a preempted sequence recomputed into other blocks, rows
/// outgrowing the staging length — a runner reusing rows must give the logits of one that stages every row afresh
/// from the blocks (<see cref="SequenceChunk.SequenceId"/> 0 turns reuse off).
/// </summary>
public sealed class StagedRowsTests
{
    private const int BlockSize = 16;
    private const int Blocks = 128;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Rows_kept_between_steps_give_the_logits_of_rows_staged_afresh(int seed)
    {
        using var kept = StoriesExportTests.Load(ExportPrecision.Fp32, Blocks);
        using var fresh = StoriesExportTests.Load(ExportPrecision.Fp32, Blocks);
        var vocab = kept.Info.VocabSize;
        var random = new Random(seed);
        var freeBlocks = new Stack<int>(Enumerable.Range(0, Blocks).Reverse());
        var live = new List<Sequence>();
        long nextId = 1;
        var preempted = false;
        var keptLogits = new float[16 * vocab];
        var freshLogits = new float[16 * vocab];
        var longest = 0;

        for (var step = 0; step < 700; step++)
        {
            if (live.Count < 6 && (live.Count == 0 || random.NextDouble() < 0.1))
            {
                var prompt = Enumerable.Range(0, random.Next(3, 60)).Select(_ => random.Next(1, vocab)).ToArray();
                live.Add(new Sequence(nextId++, prompt, ReserveBlocks(freeBlocks, random)));
            }

            // Preempt one long sequence once: its blocks go back, and it is recomputed from position 0 in other blocks.
            if (!preempted && live.FirstOrDefault(s => s.Computed > 140) is { } victim)
            {
                preempted = true;
                foreach (var block in victim.Table)
                {
                    freeBlocks.Push(block);
                }

                victim.Table = ReserveBlocks(freeBlocks, random);
                victim.Computed = 0;
            }

            var scheduled = live.Where(_ => random.NextDouble() < 0.85).Take(12).ToList();
            if (scheduled.Count == 0)
            {
                continue;
            }

            var keptChunks = new SequenceChunk[scheduled.Count];
            var freshChunks = new SequenceChunk[scheduled.Count];
            for (var i = 0; i < scheduled.Count; i++)
            {
                var sequence = scheduled[i];
                // Prompts (and recomputation) go in pieces of up to 24 tokens, so a long one spans several steps.
                var count = Math.Min(24, sequence.Tokens.Count - sequence.Computed);
                var tokens = sequence.Tokens.GetRange(sequence.Computed, count).ToArray();
                var logits = sequence.Computed + count == sequence.Tokens.Count;
                keptChunks[i] = new SequenceChunk(tokens, sequence.Computed, sequence.Table, logits, sequence.Id);
                freshChunks[i] = keptChunks[i] with { SequenceId = 0 };
            }

            kept.Forward(keptChunks, keptLogits);
            fresh.Forward(freshChunks, freshLogits);

            var slot = 0;
            for (var i = 0; i < scheduled.Count; i++)
            {
                var sequence = scheduled[i];
                sequence.Computed += keptChunks[i].Tokens.Length;
                longest = Math.Max(longest, sequence.Computed);
                if (!keptChunks[i].ComputeLogits)
                {
                    continue;
                }

                var keptRow = keptLogits.AsSpan(slot * vocab, vocab);
                var freshRow = freshLogits.AsSpan(slot * vocab, vocab);
                for (var v = 0; v < vocab; v++)
                {
                    Assert.True(Math.Abs(keptRow[v] - freshRow[v]) <= 1e-3f, $"step {step}, sequence {sequence.Id} at {sequence.Computed}: logit {v} {keptRow[v]} vs {freshRow[v]}");
                }

                slot++;
                var done = sequence.Tokens.Count >= 320 || random.NextDouble() < 0.004;
                if (done)
                {
                    live.Remove(sequence);
                    foreach (var block in sequence.Table)
                    {
                        freeBlocks.Push(block);
                    }
                }
                else
                {
                    sequence.Tokens.Add(Greedy.ArgMax(keptRow));
                }
            }
        }

        // The schedule did what the test is for: the rows outgrew two staging lengths and a sequence was recomputed.
        Assert.True(preempted);
        Assert.True(longest > 256, $"longest sequence {longest}");
    }

    [Fact]
    public void The_block_table_decides_what_a_sequence_attends_to_not_the_row_staged_under_its_id()
    {
        using var runner = StoriesExportTests.Load(ExportPrecision.Fp32);
        var vocab = runner.Info.VocabSize;
        var random = new Random(3);
        var first = Enumerable.Range(0, 10).Select(_ => random.Next(1, vocab)).ToArray();
        var second = Enumerable.Range(0, 10).Select(_ => random.Next(1, vocab)).ToArray();
        var logits = new float[2 * vocab];
        runner.Forward([new SequenceChunk(first, 0, new[] { 0 }, true, SequenceId: 7), new SequenceChunk(second, 0, new[] { 2 }, true, SequenceId: 8)], logits);

        // Sequence 7 now reads block 2, which holds the second prompt: its staged row (the first prompt) must not be used.
        var continued = new float[vocab];
        runner.Forward([new SequenceChunk(new[] { 5 }, first.Length, new[] { 2 }, true, SequenceId: 7)], continued);
        var expected = new float[vocab];
        runner.Forward([new SequenceChunk(second, 0, new[] { 4 }, false)], expected);
        runner.Forward([new SequenceChunk(new[] { 5 }, second.Length, new[] { 4 }, true)], expected);
        for (var v = 0; v < vocab; v++)
        {
            Assert.Equal(expected[v], continued[v], 1e-3);
        }
    }

    /// <summary>Blocks for up to 320 positions, in a shuffled order so tables are not runs of consecutive ids.</summary>
    private static int[] ReserveBlocks(Stack<int> free, Random random)
    {
        var table = new int[320 / BlockSize];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = free.Pop();
        }

        random.Shuffle(table);
        return table;
    }

    private sealed class Sequence(long id, int[] prompt, int[] table)
    {
        public long Id { get; } = id;

        public List<int> Tokens { get; } = [.. prompt];

        public int[] Table { get; set; } = table;

        public int Computed { get; set; }
    }
}

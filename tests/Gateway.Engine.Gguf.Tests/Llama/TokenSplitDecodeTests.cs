using Gateway.Engine.Gguf.Llama;
using Gateway.Engine.Gguf.Synthetic;
using Gateway.Inference;
using Gateway.Kernels;

namespace Gateway.Engine.Gguf.Tests.Llama;

/// <summary>
/// A wide decode step runs each thread's tokens through the whole model on that thread (split by tokens, not by
/// weight rows). A sequence must get the logits it gets decoding alone, bit for bit, however uneven the slices are and
/// whichever thread computes its pieces.
/// </summary>
public sealed class TokenSplitDecodeTests : IDisposable
{
    private const int Sequences = 40;
    private const int DecodeSteps = 2;
    private const int BlockSize = 16;

    // Heads of 64 dimensions (what the in-place fp16 attention needs) and grouped queries, as in the served models.
    private static readonly SyntheticModelSpec Spec = SyntheticModelSpec.Known["llama-134m"] with
    {
        Name = "llama-token-split", EmbeddingLength = 256, BlockCount = 2, HeadCount = 4, KvHeadCount = 2, FeedForwardLength = 320, ContextLength = 256,
    };

    private readonly string _dir = Directory.CreateTempSubdirectory("token-split").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(GgmlType.Q4_0, true)]
    [InlineData(GgmlType.Q8_0, false)] // read twice, 9 packed bits per weight cost more than the joins: split by rows
    [InlineData(GgmlType.F32, false)] // float products stay memory-bound at 8 tokens: split by rows, same bits either way
    public void Each_sequence_of_a_token_split_step_gets_its_logits_alone(GgmlType type, bool splits)
    {
        var path = Path.Combine(_dir, $"{type}.gguf");
        SyntheticModelWriter.Write(Spec, TestModels.Path(Spec.TokenizerFile), type, path, seed: 5);
        using var runner = (LlamaModelRunner)ModelRunnerFactory.Load(path, new ModelRunnerOptions
        {
            BlockSize = BlockSize, KvCacheBlocks = 2 * 2 * Sequences, KvCacheType = KvCacheType.F16, MaxBatchTokens = 1024, Threads = 2,
        });
        var vocab = runner.Info.VocabSize;
        var random = new Random(21);
        var prompts = Enumerable.Range(0, Sequences).Select(_ => Enumerable.Range(0, random.Next(2, 28)).Select(_ => random.Next(300, vocab)).ToArray()).ToArray();
        var aloneTable = new[] { (2 * Sequences) + 0, (2 * Sequences) + 1 };
        var alone = prompts.Select(p => DecodeAlone(runner, p, aloneTable)).ToArray();
        Assert.False(runner.LastStepSplitByTokens);

        // Every cut on a tile boundary: 12 (8 | 4), 16 (8 | 8), 17, 23, 24 (8 | 16) and 40 (16 | 24).
        foreach (var batch in new[] { 12, 16, 17, 23, 24, 40 })
        {
            var tables = Enumerable.Range(0, batch).Select(i => new[] { 2 * i, (2 * i) + 1 }).ToArray();
            var members = Enumerable.Range(0, batch).Select(i => (i + (batch * 3)) % Sequences).ToArray();
            var logits = new float[batch * vocab];
            runner.Forward(members.Select((m, i) => new SequenceChunk(prompts[m], 0, tables[i], true)).ToArray(), logits);
            for (var step = 1; step <= DecodeSteps; step++)
            {
                runner.Forward(members.Select((m, i) => new SequenceChunk(new[] { alone[m].Next[step - 1] }, prompts[m].Length + step - 1, tables[i], true)).ToArray(), logits);
                Assert.True(runner.LastStepSplitByTokens == splits, $"batch {batch}: the decode step was split by tokens: {runner.LastStepSplitByTokens}");
                if (splits)
                {
                    Assert.True(runner.SliceStart(1) % Activations.TileRows == 0, $"batch {batch}: the slices share a tile (cut at {runner.SliceStart(1)})");
                }

                for (var i = 0; i < batch; i++)
                {
                    Assert.True(
                        alone[members[i]].Logits[step].AsSpan().SequenceEqual(logits.AsSpan(i * vocab, vocab)),
                        $"{type}: sequence {members[i]} at position {i} of {batch}, step {step}, differs from decoding alone");
                }
            }
        }

        // Below a tile and a half a step stays split by weight rows.
        var few = Enumerable.Range(0, 11).Select(i => new SequenceChunk(new[] { alone[i].Next[0] }, prompts[i].Length, new[] { 2 * i, (2 * i) + 1 }, true)).ToArray();
        runner.Forward(few, new float[11 * vocab]);
        Assert.False(runner.LastStepSplitByTokens);
    }

    [Fact]
    public void Long_histories_on_one_side_of_the_cut_still_leave_it_on_a_tile_boundary_and_each_sequence_its_logits_alone()
    {
        var path = Path.Combine(_dir, "balance.gguf");
        SyntheticModelWriter.Write(Spec, TestModels.Path(Spec.TokenizerFile), GgmlType.Q4_0, path, seed: 6);
        using var runner = (LlamaModelRunner)ModelRunnerFactory.Load(path, new ModelRunnerOptions
        {
            BlockSize = BlockSize, KvCacheBlocks = 16 * 16 + 16, KvCacheType = KvCacheType.F16, MaxBatchTokens = 2048, Threads = 2,
        });
        var vocab = runner.Info.VocabSize;
        var random = new Random(33);

        // The first four of sixteen sequences carry 220 positions of history, the rest 4: cutting by cost alone would
        // give the first thread 1-7 tokens and cut a tile in two. The cut stays at 8; the thread done first takes
        // pieces of the other's products and tokens of its attention, which must not change a bit.
        var prompts = Enumerable.Range(0, 16).Select(i => Enumerable.Range(0, i < 4 ? 220 : 4).Select(_ => random.Next(300, vocab)).ToArray()).ToArray();
        var tables = Enumerable.Range(0, 16).Select(i => Enumerable.Range(16 * i, 16).ToArray()).ToArray();
        var aloneTable = Enumerable.Range(16 * 16, 16).ToArray();
        var logits = new float[16 * vocab];
        runner.Forward(prompts.Select((p, i) => new SequenceChunk(p, 0, tables[i], true)).ToArray(), logits);
        var next = Enumerable.Range(0, 16).Select(i => Array.IndexOf(logits, logits.AsSpan(i * vocab, vocab).ToArray().Max(), i * vocab) - (i * vocab)).ToArray();
        runner.Forward(prompts.Select((p, i) => new SequenceChunk(new[] { next[i] }, p.Length, tables[i], true)).ToArray(), logits);

        Assert.True(runner.LastStepSplitByTokens);
        Assert.Equal(Activations.TileRows, runner.SliceStart(1));
        for (var i = 0; i < 16; i++)
        {
            var alone = new float[vocab];
            runner.Forward([new SequenceChunk(prompts[i], 0, aloneTable, false)], alone);
            runner.Forward([new SequenceChunk(new[] { next[i] }, prompts[i].Length, aloneTable, true)], alone);
            Assert.True(alone.AsSpan().SequenceEqual(logits.AsSpan(i * vocab, vocab)), $"sequence {i} differs from decoding alone");
        }
    }

    private static Run DecodeAlone(IModelRunner runner, int[] prompt, int[] table)
    {
        var vocab = runner.Info.VocabSize;
        var logits = new float[DecodeSteps + 1][];
        var next = new int[DecodeSteps];
        logits[0] = new float[vocab];
        runner.Forward([new SequenceChunk(prompt, 0, table, true)], logits[0]);
        for (var step = 1; step <= DecodeSteps; step++)
        {
            next[step - 1] = Array.IndexOf(logits[step - 1], logits[step - 1].Max());
            logits[step] = new float[vocab];
            runner.Forward([new SequenceChunk(new[] { next[step - 1] }, prompt.Length + step - 1, table, true)], logits[step]);
        }

        return new Run(logits, next);
    }

    private sealed record Run(float[][] Logits, int[] Next);
}

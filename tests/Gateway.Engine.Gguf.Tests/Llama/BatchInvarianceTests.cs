using Gateway.Engine.Gguf.Quantization;
using Gateway.Inference;
using Gateway.Kernels;

namespace Gateway.Engine.Gguf.Tests.Llama;

/// <summary>
/// A sequence's logits must not depend on how it was chunked or on what shares its forward pass: bit for bit, since a
/// seeded request must give the same text under any load. Runs the real stories260K model quantized to the types the
/// GEMM path packs (Q4_0, Q8_0) and as shipped (F32).
/// </summary>
public sealed class BatchInvarianceTests : IClassFixture<BatchInvarianceTests.QuantizedModels>
{
    private const int Sequences = 64;
    private const int DecodeSteps = 3;
    private readonly QuantizedModels _models;

    public BatchInvarianceTests(QuantizedModels models) => _models = models;

    [Theory]
    [InlineData("Q4_0")]
    [InlineData("Q8_0")]
    [InlineData("F32")]
    public void Logits_are_identical_for_every_prefill_chunk_size(string type)
    {
        using var runner = Load(type);
        var prompts = Prompts(runner.Info.VocabSize);
        var reference = RunAlone(runner, prompts[0], prompts[0].Length, null);
        foreach (var chunk in new[] { 1, 2, 3, 5, 8, 13, 16, 17 })
        {
            var actual = RunAlone(runner, prompts[0], chunk, reference.Next);
            for (var step = 0; step <= DecodeSteps; step++)
            {
                Assert.True(reference.Logits[step].AsSpan().SequenceEqual(actual.Logits[step]), $"{type}: chunk {chunk}, step {step} differs from one-chunk prefill");
            }
        }
    }

    [Theory]
    [InlineData("Q4_0")]
    [InlineData("Q8_0")]
    [InlineData("F32")]
    public void Logits_are_identical_alone_and_in_batches_of_1_to_64(string type)
    {
        using var runner = Load(type);
        var vocab = runner.Info.VocabSize;
        var prompts = Prompts(vocab);
        var alone = prompts.Select(p => RunAlone(runner, p, p.Length, null)).ToArray();
        var logits = new float[Sequences * vocab];
        for (var batch = 1; batch <= Sequences; batch++)
        {
            // Which sequences share the batch shifts with its size, so each sits at different offsets and tiles.
            var members = Enumerable.Range(0, batch).Select(i => (i + (batch * 7)) % Sequences).ToArray();
            var tables = members.Select((_, i) => new[] { 3 * i, (3 * i) + 1 }).ToArray();

            // Prefill: odd batch sizes split every prompt into two forward passes, so chunk lengths vary too.
            var split = batch % 2 == 1 ? members.Select(m => prompts[m].Length / 2).ToArray() : new int[batch];
            var first = members.Select((m, i) => (m, i)).Where(x => split[x.i] > 0)
                .Select(x => new SequenceChunk(prompts[x.m].AsMemory(0, split[x.i]), 0, tables[x.i], false)).ToArray();
            if (first.Length > 0)
            {
                runner.Forward(first, logits);
            }

            runner.Forward(members.Select((m, i) => new SequenceChunk(prompts[m].AsMemory(split[i]), split[i], tables[i], true)).ToArray(), logits);
            Check(type, batch, members, alone, logits, vocab, 0);
            for (var step = 1; step <= DecodeSteps; step++)
            {
                var chunks = members.Select((m, i) => new SequenceChunk(new[] { alone[m].Next[step - 1] }, prompts[m].Length + step - 1, tables[i], true)).ToArray();
                runner.Forward(chunks, logits);
                Check(type, batch, members, alone, logits, vocab, step);
            }
        }
    }

    private static void Check(string type, int batch, int[] members, Run[] alone, float[] logits, int vocab, int step)
    {
        for (var i = 0; i < members.Length; i++)
        {
            Assert.True(
                alone[members[i]].Logits[step].AsSpan().SequenceEqual(logits.AsSpan(i * vocab, vocab)),
                $"{type}: sequence {members[i]} at batch position {i} of {batch}, step {step}, differs from running alone");
        }
    }

    private IModelRunner Load(string type) => ModelRunnerFactory.Load(
        _models.PathFor(type),
        new ModelRunnerOptions { KvCacheBlocks = 3 * Sequences, MaxBatchTokens = 2048, KvCacheType = KvCacheType.F16, Threads = 2 });

    /// <summary>Prefills in chunks of <paramref name="chunk"/> tokens, then decodes greedily (or feeds the given tokens).</summary>
    private static Run RunAlone(IModelRunner runner, int[] prompt, int chunk, int[]? feed)
    {
        var vocab = runner.Info.VocabSize;
        int[] table = [Sequences * 3 - 2, Sequences * 3 - 1];
        var logits = new float[DecodeSteps + 1][];
        var next = new int[DecodeSteps];
        logits[0] = new float[vocab];
        for (var start = 0; start < prompt.Length; start += chunk)
        {
            var length = Math.Min(chunk, prompt.Length - start);
            runner.Forward([new SequenceChunk(prompt.AsMemory(start, length), start, table, start + length == prompt.Length)], logits[0]);
        }

        for (var step = 1; step <= DecodeSteps; step++)
        {
            next[step - 1] = feed?[step - 1] ?? ArgMax(logits[step - 1]);
            logits[step] = new float[vocab];
            runner.Forward([new SequenceChunk(new[] { next[step - 1] }, prompt.Length + step - 1, table, true)], logits[step]);
        }

        return new Run(logits, next);
    }

    private static int ArgMax(float[] values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best]) best = i;
        }

        return best;
    }

    private static int[][] Prompts(int vocab)
    {
        var random = new Random(12);
        return Enumerable.Range(0, Sequences).Select(_ => Enumerable.Range(0, random.Next(3, 24)).Select(_ => random.Next(1, vocab)).ToArray()).ToArray();
    }

    private sealed record Run(float[][] Logits, int[] Next);

    /// <summary>stories260K quantized once for the class: Q4_0 and Q8_0 take the packed GEMM path.</summary>
    public sealed class QuantizedModels : IDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("batch-invariance-").FullName;

        public QuantizedModels()
        {
            foreach (var type in new[] { GgmlType.Q4_0, GgmlType.Q8_0 })
            {
                ModelQuantizer.Quantize(TestModels.Path("stories260K.gguf"), System.IO.Path.Combine(_directory, $"{type}.gguf"), type);
            }
        }

        public string PathFor(string type) => type == "F32" ? TestModels.Path("stories260K.gguf") : System.IO.Path.Combine(_directory, $"{type}.gguf");

        public void Dispose() => Directory.Delete(_directory, recursive: true);
    }
}

using System.Diagnostics;
using Gateway.Inference;

namespace Gateway.Benchmarking;

/// <summary>
/// Prefill and decode throughput of an engine alone (no HTTP, no scheduler), through the same paged-step interface the
/// scheduler drives, so our GGUF engine and ONNX Runtime are measured alike: prefill tokens/s for one prompt, and
/// decode tokens/s with 1, 4, 16... sequences per forward pass, each measured several times.
/// </summary>
/// <param name="timed">Called with true as a timed section starts and false as it ends (context fill and warm-up runs
/// are untimed), so an engine's own profile can cover exactly what the figures measure.</param>
internal sealed class EngineBenchmark(IModelRunner runner, int seed = 1234, Action<bool>? timed = null)
{
    private readonly Random _random = new(seed);
    private long _nextSequenceId = 1;

    /// <summary>
    /// Runs every measured shape until the JIT has settled: .NET first runs a method unoptimized and recompiles it with
    /// profile data only after it has been called a while (on a background thread that shares the 2 cores), so figures
    /// taken in the first seconds of a process measure the compiler, not the engine. Same rule as the gateway's
    /// start-up warm-up: a pass that compiles (almost) no new method after a pause.
    /// </summary>
    public (int Passes, TimeSpan Elapsed) WarmUp(int promptTokens, IReadOnlyList<int> batches, int context, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        var passes = 0;
        while (clock.Elapsed < limit)
        {
            Prefill(promptTokens, 0);
            DecodeRounds(batches, context, 4, 0);

            passes++;
            Thread.Sleep(250); // longer than the runtime's call-counting delay, so pending recompilations get queued
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (passes > 1 && now - compiled <= 4)
            {
                break;
            }

            compiled = now;
        }

        return (passes, clock.Elapsed);
    }

    public Statistics Prefill(int promptTokens, int repeats)
    {
        var tokens = RandomTokens(promptTokens);
        var table = Enumerable.Range(0, BlocksFor(promptTokens)).ToArray();
        var logits = new float[runner.Info.VocabSize];
        var samples = new List<double>();
        for (var r = 0; r < repeats + 1; r++)
        {
            timed?.Invoke(r > 0);
            var start = Stopwatch.GetTimestamp();
            for (var offset = 0; offset < promptTokens; offset += runner.MaxBatchTokens)
            {
                var length = Math.Min(runner.MaxBatchTokens, promptTokens - offset);
                runner.Forward([new SequenceChunk(tokens.AsMemory(offset, length), offset, table, offset + length == promptTokens)], logits);
            }

            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            timed?.Invoke(false);
            if (r > 0)
            {
                samples.Add(promptTokens / seconds); // the first run warms up the JIT and the page cache
            }
        }

        return samples.Count == 0 ? default : Statistics.Of(samples); // no samples: a warm-up call
    }

    /// <summary>
    /// Decode tokens/s for each batch size, one measurement of every size per round, so the sizes are measured minutes
    /// apart no more than the machine's other tenants are: a ratio between two sizes is taken within each round, and
    /// its spread says how far the machine moved meanwhile. One untimed round first.
    /// </summary>
    /// <param name="measuring">Called with the batch size before each of its timed measurements.</param>
    public Dictionary<int, List<double>> DecodeRounds(IReadOnlyList<int> batches, int context, int steps, int repeats, Action<int>? measuring = null)
    {
        var samples = batches.Distinct().ToDictionary(b => b, _ => new List<double>());
        for (var r = 0; r < repeats + 1; r++)
        {
            foreach (var b in samples.Keys)
            {
                if (r > 0)
                {
                    measuring?.Invoke(b);
                }

                var rate = DecodeOnce(b, context, steps, timedRun: r > 0);
                if (r > 0)
                {
                    samples[b].Add(rate);
                }
            }
        }

        return samples;
    }

    /// <summary>One measurement: aggregate decode tokens/s with <paramref name="sequences"/> sequences advancing one token per forward.</summary>
    private double DecodeOnce(int sequences, int context, int steps, bool timedRun)
    {
        var blocksPerSequence = BlocksFor(context + steps);
        var chunks = new SequenceChunk[sequences];
        var tables = new int[sequences][];
        for (var s = 0; s < sequences; s++)
        {
            tables[s] = Enumerable.Range(s * blocksPerSequence, blocksPerSequence).ToArray();
        }

        var logits = new float[sequences * runner.Info.VocabSize];
        var single = new float[runner.Info.VocabSize];

        // Fill each sequence's context first (untimed) so decode attends over a realistic history. Each measurement's
        // sequences are new ones (fresh ids), as in serving, where an engine may keep state per sequence.
        var firstId = _nextSequenceId;
        _nextSequenceId += sequences;
        for (var s = 0; s < sequences; s++)
        {
            var prompt = RandomTokens(context);
            for (var offset = 0; offset < context; offset += runner.MaxBatchTokens)
            {
                var length = Math.Min(runner.MaxBatchTokens, context - offset);
                runner.Forward([new SequenceChunk(prompt.AsMemory(offset, length), offset, tables[s], false, firstId + s)], single);
            }
        }

        timed?.Invoke(timedRun);
        var start = Stopwatch.GetTimestamp();
        for (var step = 0; step < steps; step++)
        {
            for (var s = 0; s < sequences; s++)
            {
                chunks[s] = new SequenceChunk(new[] { _random.Next(runner.Info.VocabSize) }, context + step, tables[s], true, firstId + s);
            }

            runner.Forward(chunks, logits);
        }

        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        timed?.Invoke(false);
        return sequences * steps / seconds;
    }

    public int BlocksFor(int tokens) => (tokens + runner.KvCache.BlockSize - 1) / runner.KvCache.BlockSize;

    private int[] RandomTokens(int count)
    {
        var tokens = new int[count];
        for (var i = 0; i < count; i++)
        {
            tokens[i] = _random.Next(runner.Info.VocabSize);
        }

        return tokens;
    }
}

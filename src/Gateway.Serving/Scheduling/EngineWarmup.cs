using System.Diagnostics;
using System.Runtime;
using Gateway.Inference;
using Gateway.Serving.Diagnostics;

namespace Gateway.Serving.Scheduling;

/// <summary>
/// Brings the serving path to optimized code before the gateway reports ready. .NET compiles a method quickly first
/// and recompiles it optimized (with profile data) only after it has run a while, so the first requests after start
/// would otherwise run at a fraction of steady-state speed. The warm-up runs passes of synthetic requests through the
/// real step — single sequences, decode batches of the sizes the scheduler forms, a prompt long enough to be chunked,
/// greedy and random sampling — until a pass compiles (almost) no new method after a pause that lets the background
/// recompilation catch up, or its time runs out. Warm-up sequences count in no request metric and no queue limit.
/// </summary>
internal sealed class EngineWarmup
{
    /// <summary>Longer than the runtime's call-counting delay (100 ms), so pending tier-1 recompilations get queued.</summary>
    private static readonly TimeSpan SettlePause = TimeSpan.FromMilliseconds(250);

    /// <summary>A pass compiling no more methods than this is taken as settled (stray lambdas, logging paths).</summary>
    private const int SettledMethodCount = 4;

    /// <summary>Past this many passes more would not help: what is still compiling is not on the hot path.</summary>
    private const int MaxPasses = 8;

    private const int GeneratedTokens = 24;

    private static readonly SamplingParams RandomSampling = new() { Temperature = 0.8f, TopK = 40, TopP = 0.95f, Seed = 7 };

    private readonly TimeSpan _maxDuration;
    private readonly ITokenizer _tokenizer;
    private readonly int _vocabSize;
    private readonly int _blockSize;
    private readonly int _blockCount;
    private readonly int _maxSequenceTokens;
    private long _arrivals;

    public EngineWarmup(TimeSpan maxDuration, ITokenizer tokenizer, int vocabSize, int blockSize, int blockCount, int maxSequenceTokens)
    {
        _maxDuration = maxDuration;
        _tokenizer = tokenizer;
        _vocabSize = vocabSize;
        _blockSize = blockSize;
        _blockCount = blockCount;
        _maxSequenceTokens = maxSequenceTokens;
    }

    public readonly record struct Result(TimeSpan Elapsed, int Passes, long Steps, long CompiledMethods, bool Settled);

    /// <summary>Runs warm-up passes through <paramref name="step"/> (the loop's own step) until settled or out of time.</summary>
    /// <remarks>
    /// <paramref name="step"/> is told whether to feed admission's step-time model: the first pass runs on freshly
    /// compiled, unoptimized code and would teach it step times the server never has once warm.
    /// </remarks>
    public Result Run(Scheduler scheduler, Func<bool, bool> step, CancellationToken stop)
    {
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(_maxDuration.TotalSeconds * Stopwatch.Frequency);
        var random = new Random(1234);
        long steps = 0;
        var passes = 0;
        var settled = false;
        var compiled = JitInfo.GetCompiledMethodCount();
        while (!stop.IsCancellationRequested && Stopwatch.GetTimestamp() < deadline)
        {
            foreach (var (sequences, promptLength, sampling) in Shapes(scheduler))
            {
                if (Stopwatch.GetTimestamp() >= deadline)
                {
                    break;
                }

                for (var i = 0; i < sequences; i++)
                {
                    scheduler.AddWaiting(NewSequence(random, promptLength, sampling, i));
                }

                while (scheduler.HasWork && !stop.IsCancellationRequested && Stopwatch.GetTimestamp() < deadline)
                {
                    if (!step(passes > 0))
                    {
                        throw new InvalidOperationException("Warm-up work could not be scheduled.");
                    }

                    steps++;
                }

                // Out of time (a slow or busy machine): drop what is left, freeing its blocks; nobody reads it.
                Abandon(scheduler);
            }

            passes++;
            Thread.Sleep(SettlePause);
            var now = JitInfo.GetCompiledMethodCount();
            var newlyCompiled = now - compiled;
            compiled = now;

            // The first pass always compiles a lot; a later quiet one means the hot paths reached their final code.
            if (passes > 1 && newlyCompiled <= SettledMethodCount)
            {
                settled = true;
                break;
            }

            if (passes == MaxPasses)
            {
                break;
            }
        }

        return new Result(Stopwatch.GetElapsedTime(started), passes, steps, compiled, settled);
    }

    private static void Abandon(Scheduler scheduler)
    {
        List<SequenceState> left = [.. scheduler.Running];
        foreach (var sequence in left)
        {
            scheduler.Finish(sequence);
        }

        left.Clear();
        scheduler.RemoveWaiting(static _ => true, left);
    }

    /// <summary>Batch shapes the scheduler forms in service: sized to the budget, the batch limit and the KV pool.</summary>
    private IEnumerable<(int Sequences, int PromptLength, SamplingParams Sampling)> Shapes(Scheduler scheduler)
    {
        var blocksPerShortSequence = (16 + GeneratedTokens + _blockSize) / _blockSize;
        var maxBatch = Math.Max(1, Math.Min(scheduler.MaxRunning, _blockCount / (2 * blocksPerShortSequence)));
        yield return (1, 16, SamplingParams.Greedy);
        yield return (1, 16, RandomSampling);
        for (var batch = 4; batch < maxBatch; batch *= 4)
        {
            yield return (batch, 16, SamplingParams.Greedy);
        }

        yield return (maxBatch, 16, SamplingParams.Greedy);

        // A prompt that needs a full-budget chunk and a partial one: the chunked-prefill and longer-attention paths.
        var longPrompt = Math.Min((scheduler.TokenBudget * 3 / 2) + 1, Math.Min(_maxSequenceTokens, _blockCount * _blockSize / 2) - GeneratedTokens - 1);
        if (longPrompt > 16)
        {
            yield return (1, longPrompt, SamplingParams.Greedy);
        }
    }

    private SequenceState NewSequence(Random random, int promptLength, SamplingParams sampling, int index)
    {
        var prompt = new int[promptLength];
        for (var i = 0; i < prompt.Length; i++)
        {
            prompt[i] = random.Next(_vocabSize);
        }

        var request = new GenerationRequest($"warmup-{_arrivals}", prompt, sampling, GeneratedTokens, index == 0 ? ["\n\n"] : [], Priority: 0);
        var maxTotal = Math.Min(promptLength + GeneratedTokens, _maxSequenceTokens);
        return new SequenceState(request, ++_arrivals, maxTotal, _blockSize, _tokenizer, _vocabSize, new RequestTimeline(Stopwatch.GetTimestamp(), default), CancellationToken.None)
        {
            IsWarmup = true,
            CountsAsQueued = false,
        };
    }
}

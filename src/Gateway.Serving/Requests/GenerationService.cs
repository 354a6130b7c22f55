using System.Diagnostics;
using Gateway.Inference;
using Gateway.Serving.Diagnostics;
using Gateway.Serving.KvCache;
using Gateway.Serving.Queue;
using Gateway.Serving.Scheduling;
using Microsoft.Extensions.Logging;

namespace Gateway.Serving;

/// <summary>
/// The serving core: admission and the bounded queue on the callers' threads, everything else on the scheduler loop.
/// </summary>
internal sealed class GenerationService : IGenerationService, IAsyncDisposable
{
    private static readonly TimeSpan ThroughputWindowLength = TimeSpan.FromSeconds(10);

    private readonly IModelRunner _runner;
    private readonly RequestQueue _queue;
    private readonly EngineLoop _loop;
    private readonly ServingMetrics _metrics;
    private readonly ThroughputWindow _throughput = new(ThroughputWindowLength);
    private readonly StepCostModel _stepCost;
    private readonly EngineState _state = new();
    private readonly ILogger _logger;
    private readonly int _blockSize;
    private readonly int _maxSequenceTokens;
    private readonly int _blockCount;
    private long _arrivals;
    private int _started;

    public GenerationService(
        IModelRunner runner,
        ServingOptions options,
        IAdmissionPolicy admission,
        ServingMetrics metrics,
        ILogger<GenerationService> logger,
        TimeProvider? time = null)
    {
        _runner = runner;
        _metrics = metrics;
        _stepCost = new StepCostModel();
        _logger = logger;
        var geometry = runner.KvCache;
        _blockSize = geometry.BlockSize;
        _blockCount = geometry.BlockCount;
        if (options.BlockSize != geometry.BlockSize)
        {
            ServingLog.BlockSizeMismatch(logger, options.BlockSize, geometry.BlockSize);
        }

        // A sequence can never outgrow the context window nor the whole pool (it would then preempt itself forever).
        _maxSequenceTokens = Math.Min(runner.Info.ContextLength, geometry.BlockCount * geometry.BlockSize);
        var tokenBudget = Math.Min(options.MaxBatchTokens, runner.MaxBatchTokens);
        var maxRunning = Math.Min(options.MaxRunningSequences, tokenBudget);
        var kv = new KvCacheManager(new BlockPool(geometry.BlockCount), geometry.BlockSize, options.EnablePrefixCaching);
        var scheduler = new Scheduler(kv, tokenBudget, maxRunning, metrics, logger);
        _queue = new RequestQueue(options, admission, _throughput, new TtftPredictor(_stepCost, tokenBudget), _state);
        var warmup = options.WarmupSeconds > 0
            ? new EngineWarmup(TimeSpan.FromSeconds(options.WarmupSeconds), runner.Tokenizer, runner.Info.VocabSize, geometry.BlockSize, geometry.BlockCount, _maxSequenceTokens)
            : null;
        _loop = new EngineLoop(runner, scheduler, _queue, maxRunning, metrics, _throughput, _stepCost, _state, warmup, time ?? TimeProvider.System, logger);
    }

    public ModelInfo Model => _runner.Info;

    public ITokenizer Tokenizer => _runner.Tokenizer;

    /// <summary>Measured step times by step size, as admission uses them.</summary>
    internal StepCostModel StepCost => _stepCost;

    /// <summary>Starts the scheduler loop; idempotent.</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _loop.Start();
        }
    }

    public SubmitResult Submit(GenerationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.PromptTokens is not { Length: > 0 })
        {
            throw new ArgumentException("A prompt needs at least one token.", nameof(request));
        }

        var promptLength = request.PromptTokens.Length;
        if (promptLength >= _maxSequenceTokens)
        {
            return Refuse(request, RefusalReason.PromptTooLong, TimeSpan.Zero);
        }

        // Refused or not, the request is demand (see DemandGauge); a refused one also marks the spike's rising edge.
        var decision = _queue.TryReserve(promptLength, out var predictedTtft);
        _metrics.Demand.RecordOffered(promptLength, request.MaxTokens, refused: !decision.Admit);
        if (!decision.Admit)
        {
            return Refuse(request, decision.Reason, decision.RetryAfter);
        }

        var maxTotal = request.MaxTokens > 0 ? (int)Math.Min((long)promptLength + request.MaxTokens, _maxSequenceTokens) : _maxSequenceTokens;
        var timeline = new RequestTimeline(Stopwatch.GetTimestamp(), Activity.Current?.Context ?? default);
        var sequence = new SequenceState(
            request,
            Interlocked.Increment(ref _arrivals),
            maxTotal,
            _blockSize,
            _runner.Tokenizer,
            _runner.Info.VocabSize,
            timeline,
            cancellationToken)
        {
            PredictedTtftSeconds = predictedTtft,
        };
        if (!_queue.Enqueue(sequence))
        {
            return Refuse(request, RefusalReason.QueueFull, RetryAfterEstimator.Minimum);
        }

        return new SubmitResult(sequence.Stream, RefusalReason.None, TimeSpan.Zero);
    }

    public ServingSnapshot Snapshot()
    {
        var usage = _state.KvUsage;
        var throughput = _throughput.Estimate(Stopwatch.GetTimestamp());
        return new ServingSnapshot(
            _queue.Accepting,
            _state.Waiting,
            _state.Running,
            _queue.QueuedPromptTokens,
            usage.Free,
            usage.Used,
            usage.Cached,
            _blockCount,
            throughput.TokensPerSecond,
            throughput.PrefillTokensPerSecond,
            _state.Preemptions,
            _state.Steps)
        {
            WarmingUp = _state.WarmingUp,
        };
    }

    /// <summary>
    /// Graceful stop: refuse new requests, let in-flight ones finish for up to <paramref name="drainTimeout"/> (or until
    /// <paramref name="cancellationToken"/> fires), then cancel what is left and end the loop.
    /// </summary>
    public async Task StopAsync(TimeSpan drainTimeout, CancellationToken cancellationToken)
    {
        _queue.StopAccepting();
        if (Volatile.Read(ref _started) == 0)
        {
            return;
        }

        var inFlight = _queue.InFlight;
        ServingLog.DrainStarted(_logger, inFlight, drainTimeout);
        using var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        drain.CancelAfter(drainTimeout);
        try
        {
            // Polling keeps the loop free of shutdown bookkeeping; a drain lasts seconds, so 50 ms granularity is plenty.
            while (_queue.InFlight > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), drain.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            ServingLog.DrainTimedOut(_logger, _queue.InFlight);
        }

        await _loop.StopAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.StopAccepting();
        if (Volatile.Read(ref _started) != 0)
        {
            await _loop.StopAsync().ConfigureAwait(false);
        }
    }

    private SubmitResult Refuse(GenerationRequest request, RefusalReason reason, TimeSpan retryAfter)
    {
        _metrics.RecordRejection(reason);
        ServingLog.RequestRefused(_logger, request.RequestId, reason, retryAfter);
        return new SubmitResult(null, reason, retryAfter);
    }
}

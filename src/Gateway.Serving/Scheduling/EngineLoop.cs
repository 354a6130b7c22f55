using System.Diagnostics;
using Gateway.Inference;
using Gateway.Sampling;
using Gateway.Serving.Diagnostics;
using Gateway.Serving.KvCache;
using Gateway.Serving.Queue;
using Microsoft.Extensions.Logging;

namespace Gateway.Serving.Scheduling;

/// <summary>
/// The one thread that owns the runner, the scheduler and all request and KV state. Each step: take new requests from
/// the queue, drop cancelled ones, plan, run one forward pass, then sample, detokenize, check stops and stream every
/// new token before the next step begins. A failure fails the requests it touched; the loop itself keeps going.
/// </summary>
internal sealed class EngineLoop
{
    private static readonly Func<SequenceState, bool> IsCancelled = static s => s.Cancellation.IsCancellationRequested;

    private readonly IModelRunner _runner;
    private readonly Scheduler _scheduler;
    private readonly RequestQueue _queue;
    private readonly ServingMetrics _metrics;
    private readonly ThroughputWindow _throughput;
    private readonly ILogger _logger;
    private readonly IReadOnlySet<int> _endOfGeneration;
    private readonly int _vocabSize;
    private readonly SequenceChunk[] _chunks;
    private readonly float[] _logits;
    private readonly List<SequenceState> _scratch = [];
    private readonly CancellationTokenSource _stop = new();
    private Thread? _thread;
    private volatile bool _cancelAll;
    private long _steps;
    private int _running;
    private int _waiting;
    private int _kvFree;
    private int _kvUsed;
    private int _kvCached;
    private long _preemptions;

    public EngineLoop(IModelRunner runner, Scheduler scheduler, RequestQueue queue, int maxRunning, ServingMetrics metrics, ThroughputWindow throughput, ILogger logger)
    {
        _runner = runner;
        _scheduler = scheduler;
        _queue = queue;
        _metrics = metrics;
        _throughput = throughput;
        _logger = logger;
        _endOfGeneration = runner.Tokenizer.EndOfGenerationIds;
        _vocabSize = runner.Info.VocabSize;
        _chunks = new SequenceChunk[maxRunning];
        _logits = new float[maxRunning * _vocabSize];
    }

    public long Steps => Interlocked.Read(ref _steps);

    /// <summary>Running sequences as of the end of the last step.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>Waiting sequences (queued or preempted) as of the end of the last step.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    public KvCacheUsage KvUsage => new(Volatile.Read(ref _kvFree), Volatile.Read(ref _kvUsed), Volatile.Read(ref _kvCached), _scheduler.Kv.BlockCount);

    public long Preemptions => Interlocked.Read(ref _preemptions);

    public Task Completion { get; private set; } = Task.CompletedTask;

    public void Start()
    {
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Completion = completion.Task;
        _thread = new Thread(() =>
        {
            try
            {
                Run();
            }
            finally
            {
                completion.SetResult();
            }
        })
        {
            IsBackground = true,
            Name = "gateway-scheduler",
        };
        _thread.Start();
    }

    /// <summary>Cancels everything still queued or running and ends the loop.</summary>
    public Task StopAsync()
    {
        _cancelAll = true;
        _stop.Cancel();
        return Completion;
    }

    private void Run()
    {
        var kv = _scheduler.Kv;
        ServingLog.LoopStarted(_logger, kv.BlockCount, kv.BlockSize, _scheduler.TokenBudget, _chunks.Length);
        while (!_cancelAll)
        {
            try
            {
                DrainIncoming();
                AbortCancelled();
                if (!_scheduler.HasWork)
                {
                    Publish();
                    WaitForWork();
                    continue;
                }

                if (!Step())
                {
                    // Nothing could be scheduled (only possible transiently); wait for new input rather than spin.
                    WaitForWork(TimeSpan.FromMilliseconds(10));
                }
            }
            catch (Exception exception)
            {
                ServingLog.LoopFaulted(_logger, exception);
                FailEverything(exception.Message);
            }

            Publish();
        }

        DrainIncoming();
        CancelEverything();
        Publish();
        ServingLog.LoopStopped(_logger, Steps);
    }

    private void DrainIncoming()
    {
        while (_queue.Reader.TryRead(out var sequence))
        {
            _scheduler.AddWaiting(sequence);
        }
    }

    private void WaitForWork(TimeSpan? timeout = null)
    {
        using var timeoutSource = timeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeoutSource?.CancelAfter(timeout!.Value);
        try
        {
            _queue.Reader.WaitToReadAsync(timeoutSource?.Token ?? _stop.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            // Stop requested or the timeout passed: the loop condition decides which.
        }
    }

    /// <summary>Runs one engine step; false when the plan was empty.</summary>
    private bool Step()
    {
        var start = Stopwatch.GetTimestamp();
        var plan = _scheduler.Schedule();
        if (plan.Count == 0)
        {
            return false;
        }

        var logitRows = 0;
        int prefillTokens = 0, decodeTokens = 0;
        for (var i = 0; i < plan.Count; i++)
        {
            var (sequence, numTokens) = plan.Chunks[i];
            if (sequence.CountsAsQueued)
            {
                OnFirstScheduled(sequence, start);
            }

            var computeLogits = sequence.NumComputedTokens + numTokens == sequence.TokenCount;
            logitRows += computeLogits ? 1 : 0;
            if (numTokens == 1 && computeLogits && sequence.GeneratedCount > 0)
            {
                decodeTokens++;
            }
            else
            {
                prefillTokens += numTokens;
            }

            _chunks[i] = new SequenceChunk(
                sequence.TokenRange(sequence.NumComputedTokens, numTokens),
                sequence.NumComputedTokens,
                sequence.Blocks.Table,
                computeLogits);
        }

        var scheduled = Stopwatch.GetTimestamp();
        try
        {
            _runner.Forward(_chunks.AsSpan(0, plan.Count), _logits.AsSpan(0, logitRows * _vocabSize));
        }
        catch (Exception exception)
        {
            ServingLog.ForwardFailed(_logger, exception, plan.Count);
            FailPlan(plan, exception.Message);
            return true;
        }

        var forwarded = Stopwatch.GetTimestamp();
        var row = 0;
        for (var i = 0; i < plan.Count; i++)
        {
            var (sequence, numTokens) = plan.Chunks[i];
            _chunks[i] = default; // drop references to token and table memory until the next step
            sequence.NumComputedTokens += numTokens;
            _scheduler.Kv.CacheFullBlocks(sequence.Blocks, sequence.Tokens, sequence.NumComputedTokens);
            if (sequence.NumComputedTokens != sequence.TokenCount)
            {
                continue;
            }

            var logits = _logits.AsSpan(row++ * _vocabSize, _vocabSize);
            try
            {
                AcceptToken(sequence, logits);
            }
            catch (Exception exception)
            {
                ServingLog.RequestFailed(_logger, exception, sequence.RequestId);
                _scratch.Add(sequence);
            }
        }

        // Finishing changes the running list the plan points into, so failed sequences are finished after the walk.
        foreach (var failed in _scratch)
        {
            if (failed.Status != SequenceStatus.Finished)
            {
                Complete(failed, FinishReason.Error, string.Empty, [], [], "The request failed while processing its output.");
            }
        }

        _scratch.Clear();
        var end = Stopwatch.GetTimestamp();
        _metrics.RecordStep(
            RequestTimeline.Seconds(start, scheduled),
            RequestTimeline.Seconds(scheduled, forwarded),
            RequestTimeline.Seconds(forwarded, end),
            plan.Count,
            prefillTokens + decodeTokens);
        _throughput.Record(end, end - start, prefillTokens, decodeTokens);
        Interlocked.Increment(ref _steps);
        return true;
    }

    private void OnFirstScheduled(SequenceState sequence, long now)
    {
        var timeline = sequence.Timeline;
        timeline.FirstScheduled = now;
        _metrics.RecordScheduled(RequestTimeline.Seconds(timeline.Enqueued, now));
        ServingTelemetry.RecordSpan(ServingTelemetry.QueueSpan, timeline, sequence.RequestId, timeline.Enqueued, now);
    }

    /// <summary>Samples the next token, turns it into text and decides whether the request is done.</summary>
    private void AcceptToken(SequenceState sequence, Span<float> logits)
    {
        var sampled = sequence.Sampler.Sample(logits);
        var now = Stopwatch.GetTimestamp();
        RecordTokenTiming(sequence, now);
        sequence.AppendToken(sampled.Id);

        FinishReason? finish = null;
        var text = string.Empty;
        var endOfGeneration = _endOfGeneration.Contains(sampled.Id);
        if (endOfGeneration)
        {
            finish = FinishReason.Stop;
        }
        else
        {
            text = sequence.Stops.Append(sequence.Detokenizer.Append(sampled.Id), out var stopped);
            if (stopped)
            {
                finish = FinishReason.Stop;
            }
            else if (sequence.TokenCount >= sequence.MaxTotalTokens)
            {
                finish = FinishReason.Length;
            }
        }

        int[] ids = endOfGeneration ? [] : [sampled.Id];
        SampledToken[] tokens = endOfGeneration ? [] : [sampled];
        if (finish is null)
        {
            sequence.Emit(new GenerationEvent(text, ids, tokens, null, null, null));
            return;
        }

        if (!(finish == FinishReason.Stop && !endOfGeneration))
        {
            // Ended by EOS or length: release what was held back (an incomplete character, a possible stop prefix),
            // unless that very tail completes a stop string.
            text += sequence.Stops.Append(sequence.Detokenizer.Flush(), out var stoppedByTail);
            if (!stoppedByTail)
            {
                text += sequence.Stops.Flush();
            }
        }

        Complete(sequence, finish.Value, text, ids, tokens, error: null);
    }

    private void RecordTokenTiming(SequenceState sequence, long now)
    {
        var timeline = sequence.Timeline;
        if (timeline.FirstToken == 0)
        {
            // Its prompt stops counting as work ahead of new arrivals only once it is fully prefilled: a long prompt
            // mid-way through chunked prefill still delays everyone behind it, and admission must see that.
            _queue.MarkNoLongerQueued(sequence);
            timeline.FirstToken = now;
            _metrics.RecordTimeToFirstToken(RequestTimeline.Seconds(timeline.Enqueued, now));
            _metrics.RecordPrefill(RequestTimeline.Seconds(timeline.FirstScheduled, now));
            ServingTelemetry.RecordSpan(ServingTelemetry.PrefillSpan, timeline, sequence.RequestId, timeline.FirstScheduled, now);
        }
        else
        {
            _metrics.RecordInterTokenLatency(RequestTimeline.Seconds(timeline.LastToken, now));
        }

        timeline.LastToken = now;
        _metrics.RecordGeneratedTokens(1);
    }

    /// <summary>Ends a request: frees its blocks, sends the final event and closes its stream.</summary>
    private void Complete(SequenceState sequence, FinishReason finish, string text, int[] ids, SampledToken[] tokens, string? error)
    {
        if (sequence.Status != SequenceStatus.Finished)
        {
            _scheduler.Finish(sequence);
        }

        var timeline = sequence.Timeline;
        var now = Stopwatch.GetTimestamp();
        timeline.Finished = now;
        var decodeStart = timeline.FirstToken == 0 ? now : timeline.FirstToken;
        _metrics.RecordFinished(RequestTimeline.Seconds(timeline.Enqueued, now), RequestTimeline.Seconds(decodeStart, now), sequence.PromptLength);
        if (timeline.FirstToken != 0)
        {
            ServingTelemetry.RecordSpan(ServingTelemetry.DecodeSpan, timeline, sequence.RequestId, timeline.FirstToken, now);
        }

        var usage = new GenerationUsage(sequence.PromptLength, sequence.GeneratedCount, sequence.CachedPromptTokens);
        sequence.Emit(new GenerationEvent(text, ids, tokens, finish, usage, error));
        sequence.CompleteStream();
        _queue.MarkCompleted(sequence);
        ServingLog.RequestFinished(_logger, sequence.RequestId, finish, sequence.PromptLength, sequence.CachedPromptTokens, sequence.GeneratedCount);
    }

    private void AbortCancelled()
    {
        var running = _scheduler.Running;
        for (var i = 0; i < running.Count; i++)
        {
            if (running[i].Cancellation.IsCancellationRequested)
            {
                _scratch.Add(running[i]);
            }
        }

        _scheduler.RemoveWaiting(IsCancelled, _scratch);
        CompleteScratch(FinishReason.Cancelled, error: null);
    }

    private void FailPlan(StepPlan plan, string error)
    {
        for (var i = 0; i < plan.Count; i++)
        {
            _chunks[i] = default;
            _scratch.Add(plan.Chunks[i].Sequence);
        }

        CompleteScratch(FinishReason.Error, error);
    }

    private void FailEverything(string error)
    {
        CollectAll();
        CompleteScratch(FinishReason.Error, error);
    }

    private void CancelEverything()
    {
        CollectAll();
        CompleteScratch(FinishReason.Cancelled, error: null);
    }

    private void CollectAll()
    {
        _scratch.AddRange(_scheduler.Running);
        _scheduler.RemoveWaiting(static _ => true, _scratch);
    }

    private void CompleteScratch(FinishReason finish, string? error)
    {
        foreach (var sequence in _scratch)
        {
            // Held-back text is dropped: nobody waits for the rest of a cancelled or failed generation.
            Complete(sequence, finish, string.Empty, [], [], error);
        }

        _scratch.Clear();
    }

    /// <summary>Makes the loop's figures readable from other threads (each field on its own; they may be a step apart).</summary>
    private void Publish()
    {
        var usage = _scheduler.Kv.Usage;
        var running = _scheduler.RunningCount;
        var waiting = _scheduler.WaitingCount + _queue.Reader.Count;
        Volatile.Write(ref _running, running);
        Volatile.Write(ref _waiting, waiting);
        Volatile.Write(ref _kvFree, usage.Free);
        Volatile.Write(ref _kvUsed, usage.Used);
        Volatile.Write(ref _kvCached, usage.Cached);
        Interlocked.Exchange(ref _preemptions, _scheduler.Preemptions);
        _metrics.PublishState(running, waiting, usage.UsageRatio);
    }
}

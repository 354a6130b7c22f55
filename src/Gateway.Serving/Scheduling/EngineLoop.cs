using Gateway.Inference;
using Gateway.Serving.Diagnostics;
using Gateway.Serving.Output;
using Gateway.Serving.Queue;
using Microsoft.Extensions.Logging;

namespace Gateway.Serving.Scheduling;

/// <summary>
/// The one thread that owns the runner, the scheduler and all request and KV state. It first warms the engine up, then
/// loops: take new requests from the queue, drop cancelled ones, and run a step — schedule, forward, update — as vLLM's
/// <c>EngineCore.step</c> does; the <see cref="OutputProcessor"/> turns the step's logits into streamed tokens before
/// the next step begins. A failure fails the requests it touched; the loop itself keeps going.
/// </summary>
internal sealed class EngineLoop
{
    private static readonly Func<SequenceState, bool> IsCancelled = static s => s.Cancellation.IsCancellationRequested;

    private readonly IModelRunner _runner;
    private readonly Scheduler _scheduler;
    private readonly RequestQueue _queue;
    private readonly OutputProcessor _outputs;
    private readonly StepInputs _inputs;
    private readonly ServingMetrics _metrics;
    private readonly ThroughputWindow _throughput;
    private readonly StepCostModel _stepCost;
    private readonly EngineState _state;
    private readonly EngineWarmup? _warmup;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly List<SequenceState> _scratch = [];
    private readonly CancellationTokenSource _stop = new();
    private Thread? _thread;
    private volatile bool _cancelAll;

    public EngineLoop(
        IModelRunner runner,
        Scheduler scheduler,
        RequestQueue queue,
        int maxRunning,
        ServingMetrics metrics,
        ThroughputWindow throughput,
        StepCostModel stepCost,
        EngineState state,
        EngineWarmup? warmup,
        TimeProvider time,
        ILogger logger)
    {
        _runner = runner;
        _scheduler = scheduler;
        _queue = queue;
        _metrics = metrics;
        _throughput = throughput;
        _stepCost = stepCost;
        _state = state;
        _warmup = warmup;
        _time = time;
        _logger = logger;
        _inputs = new StepInputs(maxRunning, runner.Info.VocabSize);
        _outputs = new OutputProcessor(scheduler, queue, metrics, runner.Tokenizer.EndOfGenerationIds, runner.Info.VocabSize, runner as IComputeThreads, logger);
        _state.WarmingUp = warmup is not null;
    }

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
        ServingLog.LoopStarted(_logger, kv.BlockCount, kv.BlockSize, _scheduler.TokenBudget, _inputs.MaxSequences);
        WarmUp();
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

                if (!Step(recordMetrics: true, recordCost: true))
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
        ServingLog.LoopStopped(_logger, _state.Steps);
    }

    /// <summary>
    /// Runs the start-up warm-up on this thread, through the same step as real requests, before taking any from the
    /// queue; a failure is logged and serving starts cold rather than not at all.
    /// </summary>
    private void WarmUp()
    {
        if (_warmup is null)
        {
            return;
        }

        try
        {
            var result = _warmup.Run(_scheduler, recordCost => Step(recordMetrics: false, recordCost), _stop.Token);
            ServingLog.WarmupFinished(_logger, result.Elapsed, result.Passes, result.Steps, result.CompiledMethods, result.Settled);
        }
        catch (Exception exception)
        {
            ServingLog.WarmupFailed(_logger, exception);
            FailEverything(exception.Message);
        }
        finally
        {
            _state.WarmingUp = false;
        }
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

    /// <summary>One engine step: schedule, forward, update (then output processing); false when the plan was empty.</summary>
    private bool Step(bool recordMetrics, bool recordCost)
    {
        var start = _time.GetTimestamp();
        var plan = _scheduler.Schedule();
        if (plan.Count == 0)
        {
            return false;
        }

        for (var i = 0; i < plan.Count; i++)
        {
            var sequence = plan.Chunks[i].Sequence;
            if (sequence.Timeline.FirstScheduled == 0)
            {
                _outputs.OnFirstScheduled(sequence, start);
            }
        }

        _inputs.Build(plan);
        var scheduled = _time.GetTimestamp();
        try
        {
            _runner.Forward(_inputs.Chunks, _inputs.Logits.Span);
        }
        catch (Exception exception)
        {
            ServingLog.ForwardFailed(_logger, exception, plan.Count);
            _inputs.Clear();
            FailPlan(plan, exception.Message);
            return true;
        }

        var forwarded = _time.GetTimestamp();
        _inputs.Clear();
        _scheduler.Advance(plan);
        _outputs.Process(plan, _inputs.Logits);

        var end = _time.GetTimestamp();
        var tokens = _inputs.PrefillTokens + _inputs.DecodeTokens;
        if (recordCost)
        {
            _stepCost.Record(tokens, RequestTimeline.Seconds(start, end));
        }
        if (recordMetrics)
        {
            _metrics.RecordStep(
                RequestTimeline.Seconds(start, scheduled),
                RequestTimeline.Seconds(scheduled, forwarded),
                RequestTimeline.Seconds(forwarded, end),
                plan.Count,
                tokens);
            _throughput.Record(end, end - start, _inputs.PrefillTokens, _inputs.DecodeTokens);
        }

        _state.StepDone();
        return true;
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
        _outputs.CompleteAll(_scratch, FinishReason.Cancelled, error: null);
    }

    private void FailPlan(StepPlan plan, string error)
    {
        for (var i = 0; i < plan.Count; i++)
        {
            _scratch.Add(plan.Chunks[i].Sequence);
        }

        _outputs.CompleteAll(_scratch, FinishReason.Error, error);
    }

    private void FailEverything(string error)
    {
        CollectAll();
        _outputs.CompleteAll(_scratch, FinishReason.Error, error);
    }

    private void CancelEverything()
    {
        CollectAll();
        _outputs.CompleteAll(_scratch, FinishReason.Cancelled, error: null);
    }

    private void CollectAll()
    {
        _scratch.AddRange(_scheduler.Running);
        _scheduler.RemoveWaiting(static _ => true, _scratch);
    }

    /// <summary>Makes the loop's figures readable from other threads.</summary>
    private void Publish()
    {
        var usage = _scheduler.Kv.Usage;
        var running = _scheduler.RunningCount;
        var waiting = _scheduler.WaitingCount + _queue.Reader.Count;
        _state.Publish(running, waiting, usage, _scheduler.Preemptions);
        _metrics.PublishState(running, waiting, usage.UsageRatio);
    }
}

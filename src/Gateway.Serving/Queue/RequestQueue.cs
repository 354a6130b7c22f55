using System.Diagnostics;
using System.Threading.Channels;
using Gateway.Serving.Diagnostics;
using Gateway.Serving.Scheduling;

namespace Gateway.Serving.Queue;

/// <summary>
/// The bounded hand-off from request threads to the scheduler loop, with the admission limits in front of it. Limits
/// count accepted requests until they are first scheduled, so memory held by waiting work is bounded by
/// <see cref="ServingOptions.MaxWaitingRequests"/> and <see cref="ServingOptions.MaxQueuedPromptTokens"/>; anything
/// beyond is refused at once, never parked.
/// </summary>
internal sealed class RequestQueue
{
    private readonly Channel<SequenceState> _channel;
    private readonly int _maxWaitingRequests;
    private readonly long _maxQueuedPromptTokens;
    private readonly IAdmissionPolicy _admission;
    private readonly ThroughputWindow _throughput;
    private readonly TtftPredictor _predictor;
    private readonly EngineState _engine;
    private int _waitingRequests;
    private long _queuedPromptTokens;
    private int _inFlight;
    private volatile bool _accepting = true;

    public RequestQueue(ServingOptions options, IAdmissionPolicy admission, ThroughputWindow throughput, TtftPredictor predictor, EngineState engine)
    {
        _predictor = predictor;
        _engine = engine;
        _maxWaitingRequests = options.MaxWaitingRequests;
        _maxQueuedPromptTokens = options.MaxQueuedPromptTokens;
        _admission = admission;
        _throughput = throughput;
        _channel = Channel.CreateBounded<SequenceState>(new BoundedChannelOptions(options.MaxWaitingRequests)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public ChannelReader<SequenceState> Reader => _channel.Reader;

    public bool Accepting => _accepting;

    public int WaitingRequests => Volatile.Read(ref _waitingRequests);

    public long QueuedPromptTokens => Interlocked.Read(ref _queuedPromptTokens);

    /// <summary>Accepted requests whose stream has not completed yet.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public void StopAccepting() => _accepting = false;

    /// <summary>
    /// Reserves room for a prompt under the limits and asks the admission policy. On acceptance the caller must either
    /// <see cref="Enqueue"/> the request or <see cref="Release"/> the reservation. <paramref name="predictedTtftSeconds"/>
    /// is the time to first token predicted for the request (NaN without measurements), to be checked against what then
    /// happens.
    /// </summary>
    public AdmissionDecision TryReserve(int promptTokens, out double predictedTtftSeconds)
    {
        predictedTtftSeconds = double.NaN;
        if (!_accepting)
        {
            return AdmissionDecision.Refuse(RefusalReason.ShuttingDown, RetryAfterEstimator.Minimum);
        }

        var waiting = Interlocked.Increment(ref _waitingRequests);
        var queuedTokens = Interlocked.Add(ref _queuedPromptTokens, promptTokens);
        var tokensBefore = queuedTokens - promptTokens;

        // A prompt bigger than the token limit is still taken when nothing is queued, or it could never be served.
        var overLimit = waiting > _maxWaitingRequests || (queuedTokens > _maxQueuedPromptTokens && tokensBefore > 0);
        var throughput = _throughput.Estimate(Stopwatch.GetTimestamp());
        var running = _engine.Running;
        predictedTtftSeconds = _predictor.Predict(promptTokens, tokensBefore, running);
        var decision = overLimit
            ? AdmissionDecision.Refuse(RefusalReason.QueueFull, RetryAfterEstimator.ForQueuedTokens(tokensBefore, throughput))
            : _admission.Evaluate(new AdmissionContext(promptTokens, tokensBefore, waiting - 1, running, predictedTtftSeconds, throughput));
        if (!decision.Admit)
        {
            Release(promptTokens);
        }

        return decision;
    }

    /// <summary>Hands a reserved request to the scheduler loop.</summary>
    public bool Enqueue(SequenceState sequence)
    {
        Interlocked.Increment(ref _inFlight);
        if (_channel.Writer.TryWrite(sequence))
        {
            return true;
        }

        Interlocked.Decrement(ref _inFlight);

        Release(sequence.PromptLength);
        return false;
    }

    /// <summary>Called by the loop when a request's prompt is fully prefilled or it leaves before that: it no longer waits.</summary>
    public void MarkNoLongerQueued(SequenceState sequence)
    {
        if (sequence.CountsAsQueued)
        {
            sequence.CountsAsQueued = false;
            Release(sequence.PromptLength);
        }
    }

    /// <summary>Called by the loop when a request's stream completed.</summary>
    public void MarkCompleted(SequenceState sequence)
    {
        MarkNoLongerQueued(sequence);
        Interlocked.Decrement(ref _inFlight);
    }

    private void Release(int promptTokens)
    {
        Interlocked.Decrement(ref _waitingRequests);
        Interlocked.Add(ref _queuedPromptTokens, -promptTokens);
    }
}

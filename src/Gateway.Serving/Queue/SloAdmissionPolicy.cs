namespace Gateway.Serving.Queue;

/// <summary>
/// Capacity-aware admission: refuses a request whose predicted time to first token (<see cref="TtftPredictor"/>, from
/// measured step times at the current batch and queue) breaks the objective. Refusing early is kinder than a timeout
/// after a long wait, and lets the front door try another replica. An idle server never refuses on latency — waiting
/// cannot make the request faster — it serves it, and the miss shows in the TTFT histogram.
/// </summary>
/// <remarks>
/// The objective is a percentile (P95 TTFT), not a bound on every request, so a small share of predicted misses is
/// within it: the policy admits a predicted miss, up to <see cref="HardLimitFactor"/> times the objective, while
/// fewer than <c>missBudget</c> of the last <see cref="Window"/> admitted requests were admitted that way. Bursty
/// arrivals (three prompts landing together on a 2-core server) then cost a late first token, not a refusal, and the
/// budget runs out within seconds of a real overload, where refusals take over. A budget of 0 refuses every
/// predicted miss.
/// </remarks>
internal sealed class SloAdmissionPolicy : IAdmissionPolicy
{
    /// <summary>Admitted requests the miss budget is counted over.</summary>
    public const int Window = 200;

    /// <summary>A miss predicted beyond this multiple of the objective is refused whatever the budget.</summary>
    public const double HardLimitFactor = 2;

    private readonly TimeSpan _slo;
    private readonly int _allowedMisses;
    private readonly bool[] _recent = new bool[Window];
    private readonly Lock _lock = new();
    private int _next;
    private int _misses;

    public SloAdmissionPolicy(TimeSpan timeToFirstTokenSlo, double missBudget = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeToFirstTokenSlo, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(missBudget);
        _slo = timeToFirstTokenSlo;
        _allowedMisses = (int)Math.Floor(missBudget * Window);
    }

    public string Name => "slo-ttft";

    public AdmissionDecision Evaluate(in AdmissionContext context)
    {
        // Without measurements there is no evidence to refuse on.
        if (!context.HasPrediction || context.ServerIdle)
        {
            Remember(context.HasPrediction && context.PredictedTtftSeconds > _slo.TotalSeconds);
            return AdmissionDecision.Accept;
        }

        var slo = _slo.TotalSeconds;
        if (context.PredictedTtftSeconds <= slo)
        {
            Remember(false);
            return AdmissionDecision.Accept;
        }

        lock (_lock)
        {
            if (context.PredictedTtftSeconds <= slo * HardLimitFactor && _misses < _allowedMisses)
            {
                RememberLocked(true);
                return AdmissionDecision.Accept;
            }
        }

        // Retry once the work ahead has drained by the excess.
        return AdmissionDecision.Refuse(RefusalReason.SloWouldBreak, RetryAfterEstimator.Clamp(TimeSpan.FromSeconds(context.PredictedTtftSeconds) - _slo));
    }

    private void Remember(bool predictedMiss)
    {
        lock (_lock)
        {
            RememberLocked(predictedMiss);
        }
    }

    private void RememberLocked(bool predictedMiss)
    {
        _misses += (predictedMiss ? 1 : 0) - (_recent[_next] ? 1 : 0);
        _recent[_next] = predictedMiss;
        _next = (_next + 1) % Window;
    }
}

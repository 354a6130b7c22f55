namespace Gateway.Serving.Queue;

/// <summary>
/// Capacity-aware admission: refuses a request whose predicted time to first token (<see cref="TtftPredictor"/>, from
/// measured step times at the current batch and queue) breaks the objective. Refusing early is kinder than a timeout
/// after a long wait, and lets the front door try another replica. An idle server never refuses on latency — waiting
/// cannot make the request faster — it serves it, and the miss shows in the TTFT histogram.
/// </summary>
internal sealed class SloAdmissionPolicy : IAdmissionPolicy
{
    private readonly TimeSpan _slo;

    public SloAdmissionPolicy(TimeSpan timeToFirstTokenSlo)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeToFirstTokenSlo, TimeSpan.Zero);
        _slo = timeToFirstTokenSlo;
    }

    public string Name => "slo-ttft";

    public AdmissionDecision Evaluate(in AdmissionContext context)
    {
        // Without measurements there is no evidence to refuse on.
        if (!context.HasPrediction || context.ServerIdle)
        {
            return AdmissionDecision.Accept;
        }

        if (context.PredictedTtftSeconds <= _slo.TotalSeconds)
        {
            return AdmissionDecision.Accept;
        }

        // Retry once the work ahead has drained by the excess.
        return AdmissionDecision.Refuse(RefusalReason.SloWouldBreak, RetryAfterEstimator.Clamp(TimeSpan.FromSeconds(context.PredictedTtftSeconds) - _slo));
    }
}

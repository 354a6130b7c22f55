namespace Gateway.Serving.Queue;

/// <summary>
/// Capacity-aware admission: estimates the time to first token a new request would get — the prompt tokens queued
/// ahead plus its own, at the measured prefill throughput, plus one step — and refuses it when that breaks the TTFT
/// objective. Refusing early is kinder than a timeout after a long wait, and lets the front door try another replica.
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
        var throughput = context.Throughput;

        // Without measurements there is no evidence to refuse on; with nothing queued ahead the request gets the best
        // TTFT this replica can offer, and refusing it would make a long prompt unservable.
        if (!throughput.HasData || throughput.PrefillTokensPerSecond <= 0 || context.QueuedPromptTokens <= 0)
        {
            return AdmissionDecision.Accept;
        }

        var estimate = EstimateTimeToFirstToken(context);
        if (estimate <= _slo)
        {
            return AdmissionDecision.Accept;
        }

        // Retry once the queue ahead has drained by the excess.
        return AdmissionDecision.Refuse(RefusalReason.SloWouldBreak, RetryAfterEstimator.Clamp(estimate - _slo));
    }

    public static TimeSpan EstimateTimeToFirstToken(in AdmissionContext context)
    {
        var tokens = context.QueuedPromptTokens + context.PromptTokens;
        var seconds = (tokens / context.Throughput.PrefillTokensPerSecond) + context.Throughput.MeanStepSeconds;
        return TimeSpan.FromSeconds(seconds);
    }
}

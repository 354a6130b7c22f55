namespace Gateway.Serving.Queue;

/// <summary>An admission policy's verdict.</summary>
internal readonly record struct AdmissionDecision(bool Admit, RefusalReason Reason, TimeSpan RetryAfter)
{
    public static AdmissionDecision Accept => new(true, RefusalReason.None, TimeSpan.Zero);

    public static AdmissionDecision Refuse(RefusalReason reason, TimeSpan retryAfter) => new(false, reason, retryAfter);
}

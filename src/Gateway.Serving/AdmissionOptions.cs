namespace Gateway.Serving;

/// <summary>The <c>Admission</c> configuration section: refuse work that could not get its first token in time.</summary>
public sealed class AdmissionOptions
{
    public const string SectionName = "Admission";

    public bool Enabled { get; set; } = true;

    /// <summary>Time-to-first-token objective; a request whose estimated TTFT exceeds it is refused.</summary>
    public int SloTtftMilliseconds { get; set; } = 500;

    /// <summary>
    /// Fraction of the objective the prediction may use (0..1]. The prediction already counts the step in flight and
    /// the prompts queued ahead (and leans long: it ignores prefix-cache hits), and later arrivals queue behind, so the
    /// default uses all of it; lower it where requests carry priorities that let later arrivals jump the queue.
    /// </summary>
    public double Headroom { get; set; } = 1.0;

    /// <summary>
    /// Share (0..0.2) of recently admitted requests that may be admitted although their predicted TTFT misses the
    /// objective (by at most 2x): the objective is a P95, so rare bursts are served late rather than refused. 0 refuses
    /// every predicted miss.
    /// </summary>
    public double MissBudget { get; set; } = 0.02;
}

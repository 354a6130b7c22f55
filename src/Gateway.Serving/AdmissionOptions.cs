namespace Gateway.Serving;

/// <summary>The <c>Admission</c> configuration section: refuse work that could not get its first token in time.</summary>
public sealed class AdmissionOptions
{
    public const string SectionName = "Admission";

    public bool Enabled { get; set; } = true;

    /// <summary>Time-to-first-token objective; a request whose estimated TTFT exceeds it is refused.</summary>
    public int SloTtftMilliseconds { get; set; } = 500;

    /// <summary>
    /// Fraction of the objective the estimate may use (0..1]. The estimate sees queued prompts, not the bursts that
    /// arrive while they run or the step already executing, so admitting up to the full objective lets the P95 overshoot.
    /// </summary>
    public double Headroom { get; set; } = 0.8;
}

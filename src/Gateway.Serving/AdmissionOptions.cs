namespace Gateway.Serving;

/// <summary>The <c>Admission</c> configuration section: refuse work that could not get its first token in time.</summary>
public sealed class AdmissionOptions
{
    public const string SectionName = "Admission";

    public bool Enabled { get; set; } = true;

    /// <summary>Time-to-first-token objective; a request whose estimated TTFT exceeds it is refused.</summary>
    public int SloTtftMilliseconds { get; set; } = 500;
}

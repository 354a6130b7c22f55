namespace Gateway.Serving;

/// <summary>The <c>Drain</c> configuration section: graceful shutdown.</summary>
public sealed class DrainOptions
{
    public const string SectionName = "Drain";

    /// <summary>How long in-flight generations may keep streaming after shutdown begins; the rest are cancelled.</summary>
    public int TimeoutSeconds { get; set; } = 30;
}

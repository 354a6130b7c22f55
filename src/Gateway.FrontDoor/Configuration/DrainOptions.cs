namespace Gateway.FrontDoor.Configuration;

/// <summary>The <c>Drain</c> section: how shutdown treats requests in flight.</summary>
public sealed class DrainOptions
{
    public const string SectionName = "Drain";

    /// <summary>How long in-flight requests (long streams included) may run after SIGTERM before they are cancelled.</summary>
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>The Retry-After given to requests refused while draining; another replica should take them by then.</summary>
    public int RetryAfterSeconds { get; set; } = 2;
}

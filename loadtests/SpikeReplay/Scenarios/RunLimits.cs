using System.Text.Json.Serialization;

namespace SpikeReplay.Scenarios;

/// <summary>
/// Hard bounds on what one run may do, so a mistyped rate cannot flood the machine: arrivals past either cap are not
/// generated, and arrivals over the in-flight cap are recorded as client-dropped rather than queued in the client.
/// </summary>
internal sealed record RunLimits
{
    [JsonPropertyName("max_requests")]
    public int MaxRequests { get; init; } = 20_000;

    [JsonPropertyName("max_duration_s")]
    public double MaxDurationSeconds { get; init; } = 900;

    [JsonPropertyName("max_in_flight")]
    public int MaxInFlight { get; init; } = 512;

    [JsonPropertyName("request_timeout_s")]
    public double RequestTimeoutSeconds { get; init; } = 120;

    /// <summary>After the last arrival, in-flight requests get this long before they are cancelled and recorded as timeouts.</summary>
    [JsonPropertyName("drain_timeout_s")]
    public double DrainTimeoutSeconds { get; init; } = 60;

    public void Validate()
    {
        if (MaxRequests <= 0 || MaxInFlight <= 0 || !(MaxDurationSeconds > 0) || !(RequestTimeoutSeconds > 0) ||
            !(DrainTimeoutSeconds >= 0))
        {
            throw new FormatException("limits: max_requests, max_in_flight, max_duration_s and request_timeout_s must be " +
                "positive and drain_timeout_s non-negative.");
        }
    }
}

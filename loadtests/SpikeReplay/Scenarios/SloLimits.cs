using System.Text.Json.Serialization;

namespace SpikeReplay.Scenarios;

/// <summary>
/// Per-request latency limits that define goodput: a successful request counts as "good" only when it meets every
/// limit that is set. A null limit is not checked.
/// </summary>
internal sealed record SloLimits
{
    [JsonPropertyName("ttft_ms")]
    public double? TtftMilliseconds { get; init; } = 500;

    [JsonPropertyName("tpot_ms")]
    public double? TpotMilliseconds { get; init; }

    [JsonPropertyName("e2e_ms")]
    public double? EndToEndMilliseconds { get; init; }
}

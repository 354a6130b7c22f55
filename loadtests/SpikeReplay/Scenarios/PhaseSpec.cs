using System.Text.Json.Serialization;
using SpikeReplay.Arrivals;

namespace SpikeReplay.Scenarios;

/// <summary>One scenario phase as written in the file: a constant rate or a linear ramp, for a duration.</summary>
internal sealed record PhaseSpec
{
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    [JsonPropertyName("duration_s")]
    public double DurationSeconds { get; init; }

    [JsonPropertyName("rate")]
    public RateSpec? Rate { get; init; }

    [JsonPropertyName("ramp")]
    public RampSpec? Ramp { get; init; }

    /// <summary>
    /// False for warm-up phases: their requests are reported per phase but left out of the overall figures, which
    /// should describe the gateway warm (JIT done, pools filled), not its first seconds.
    /// </summary>
    [JsonPropertyName("in_overall")]
    public bool InOverall { get; init; } = true;

    /// <summary>Overrides the scenario-wide arrival process for this phase only.</summary>
    [JsonPropertyName("arrival")]
    public ArrivalProcessSpec? Arrival { get; init; }
}

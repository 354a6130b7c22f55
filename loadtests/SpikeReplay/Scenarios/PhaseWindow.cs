using System.Text.Json.Serialization;

namespace SpikeReplay.Scenarios;

/// <summary>Where a phase sits on the run's timeline, with its resolved start and end rates (for reports and bands).</summary>
internal sealed record PhaseWindow(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("start_ms")] double StartMilliseconds,
    [property: JsonPropertyName("duration_ms")] double DurationMilliseconds,
    [property: JsonPropertyName("start_rps")] double StartRps,
    [property: JsonPropertyName("end_rps")] double EndRps,
    [property: JsonPropertyName("in_overall")] bool InOverall = true)
{
    [JsonIgnore]
    public double EndMilliseconds => StartMilliseconds + DurationMilliseconds;
}

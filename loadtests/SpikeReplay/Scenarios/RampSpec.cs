using System.Text.Json.Serialization;

namespace SpikeReplay.Scenarios;

/// <summary>Linear change of the rate across a phase, from its start to its end.</summary>
internal sealed record RampSpec
{
    [JsonPropertyName("from")]
    public RateSpec? From { get; init; }

    [JsonPropertyName("to")]
    public RateSpec? To { get; init; }
}

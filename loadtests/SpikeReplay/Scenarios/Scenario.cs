using System.Text.Json.Serialization;
using SpikeReplay.Arrivals;

namespace SpikeReplay.Scenarios;

/// <summary>A load scenario file: phases of open-model arrivals plus the request shape, SLOs and safety limits.</summary>
internal sealed record Scenario
{
    [JsonPropertyName("name")]
    public string Name { get; init; } = "scenario";

    [JsonPropertyName("seed")]
    public int Seed { get; init; } = 1;

    /// <summary>Sustainable rate that "x_capacity" rates multiply; CLI flags override it.</summary>
    [JsonPropertyName("capacity_rps")]
    public double? CapacityRps { get; init; }

    /// <summary>"completions" (POST /v1/completions) or "chat" (POST /v1/chat/completions).</summary>
    [JsonPropertyName("api")]
    public string Api { get; init; } = "completions";

    [JsonPropertyName("model")]
    public string? Model { get; init; }

    [JsonPropertyName("arrival")]
    public ArrivalProcessSpec Arrival { get; init; } = ArrivalProcessSpec.Poisson;

    [JsonPropertyName("prompt_tokens")]
    public LengthDistribution PromptTokens { get; init; } = LengthDistribution.Fixed(128);

    [JsonPropertyName("output_tokens")]
    public LengthDistribution OutputTokens { get; init; } = LengthDistribution.Fixed(64);

    [JsonPropertyName("slo")]
    public SloLimits Slo { get; init; } = new();

    [JsonPropertyName("limits")]
    public RunLimits Limits { get; init; } = new();

    [JsonPropertyName("phases")]
    public IReadOnlyList<PhaseSpec> Phases { get; init; } = [];
}

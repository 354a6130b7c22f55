using System.Text.Json.Serialization;
using SpikeReplay.Autoscaling;
using SpikeReplay.Scenarios;

namespace SpikeReplay.Reporting;

/// <summary>The whole report: what was run, against what, and the per-phase, overall and per-second results.</summary>
internal sealed record RunSummary
{
    [JsonPropertyName("scenario")]
    public required string Scenario { get; init; }

    [JsonPropertyName("started_at")]
    public required DateTimeOffset StartedAt { get; init; }

    [JsonPropertyName("base_url")]
    public required string BaseUrl { get; init; }

    [JsonPropertyName("model")]
    public required string Model { get; init; }

    [JsonPropertyName("capacity_rps")]
    public double? CapacityRps { get; init; }

    [JsonPropertyName("wall_s")]
    public required double WallSeconds { get; init; }

    [JsonPropertyName("slo")]
    public required SloLimits Slo { get; init; }

    [JsonPropertyName("phase_windows")]
    public required IReadOnlyList<PhaseWindow> PhaseWindows { get; init; }

    [JsonPropertyName("overall")]
    public required WindowSummary Overall { get; init; }

    [JsonPropertyName("phases")]
    public required IReadOnlyList<WindowSummary> Phases { get; init; }

    [JsonPropertyName("timeline")]
    public required IReadOnlyList<TimelinePoint> Timeline { get; init; }

    /// <summary>The gateway's /metrics scraped every second during the run (null when it had none).</summary>
    [JsonPropertyName("metrics_timeline")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<MetricsSample>? Metrics { get; init; }
}

using System.Text.Json.Serialization;

namespace SpikeReplay.Autoscaling;

/// <summary>One second of the replay.</summary>
/// <param name="FleetDemand">Offered work in pod capacities (recorded ratio × recorded replicas).</param>
/// <param name="MetricSeen">The per-pod average the HPA read at its last sync (from the last scrape).</param>
/// <param name="Replicas">The Deployment's replica count as the HPA set it.</param>
/// <param name="Ready">Pods ready and serving (capacity, in pods).</param>
/// <param name="RecordedRefusals">Refusals of the fleet at the recorded size (recorded pod × recorded replicas).</param>
/// <param name="ReplayedRefusals">Refusals left with the replayed fleet (see <see cref="HpaReplay"/>).</param>
internal sealed record HpaReplaySecond(
    [property: JsonPropertyName("second")] int Second,
    [property: JsonPropertyName("phase")] string Phase,
    [property: JsonPropertyName("fleet_demand")] double? FleetDemand,
    [property: JsonPropertyName("metric_seen")] double? MetricSeen,
    [property: JsonPropertyName("replicas")] int Replicas,
    [property: JsonPropertyName("ready")] int Ready,
    [property: JsonPropertyName("recorded_refusals")] int RecordedRefusals,
    [property: JsonPropertyName("replayed_refusals")] double ReplayedRefusals);

/// <summary>The replay's headline figures and its per-second record.</summary>
internal sealed record HpaReplayResult
{
    [JsonPropertyName("scenario")]
    public required string Scenario { get; init; }

    [JsonPropertyName("hpa")]
    public required HpaSpec Hpa { get; init; }

    [JsonPropertyName("settings")]
    public required HpaReplaySettings Settings { get; init; }

    [JsonPropertyName("spike_start_s")]
    public double? SpikeStartSeconds { get; init; }

    /// <summary>First sync at or after the spike's start that raised the replica count, seconds after the start.</summary>
    [JsonPropertyName("first_scale_up_after_spike_s")]
    public double? FirstScaleUpAfterSpikeSeconds { get; init; }

    [JsonPropertyName("replicas_after_first_scale_up")]
    public int? ReplicasAfterFirstScaleUp { get; init; }

    [JsonPropertyName("peak_replicas")]
    public required int PeakReplicas { get; init; }

    [JsonPropertyName("peak_fleet_demand")]
    public double? PeakFleetDemand { get; init; }

    /// <summary>Pods needed to hold the peak demand at exactly capacity: ceil(peak fleet demand).</summary>
    [JsonPropertyName("pods_to_cover_peak")]
    public int? PodsToCoverPeak { get; init; }

    /// <summary>Seconds after the spike's start from which ready pods covered the demand for the rest of the run.</summary>
    [JsonPropertyName("capacity_caught_up_after_spike_s")]
    public double? CapacityCaughtUpAfterSpikeSeconds { get; init; }

    /// <summary>Per-pod capacity in requests/s used for the refusal estimate (recorded pod's admitted rate while refusing).</summary>
    [JsonPropertyName("pod_capacity_rps")]
    public double? PodCapacityRps { get; init; }

    [JsonPropertyName("recorded_refusals")]
    public required int RecordedRefusals { get; init; }

    [JsonPropertyName("replayed_refusals")]
    public required double ReplayedRefusals { get; init; }

    [JsonPropertyName("refusals_avoided")]
    public double RefusalsAvoided => RecordedRefusals - ReplayedRefusals;

    /// <summary>First scale-up after the spike's start over every sync and scrape phase: min, median, max.</summary>
    [JsonPropertyName("first_scale_up_over_phases_s")]
    public IReadOnlyList<double>? FirstScaleUpOverPhases { get; init; }

    /// <summary>Of <see cref="Phases"/> sync and scrape phases, those in which the fleet grew before the spike's start.</summary>
    [JsonPropertyName("phases_scaling_up_before_spike")]
    public int? PhasesScalingUpBeforeSpike { get; init; }

    [JsonPropertyName("phases")]
    public int? Phases { get; init; }

    [JsonPropertyName("seconds")]
    public required IReadOnlyList<HpaReplaySecond> Seconds { get; init; }
}

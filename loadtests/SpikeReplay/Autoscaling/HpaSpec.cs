using System.Text.Json.Serialization;

namespace SpikeReplay.Autoscaling;

/// <summary>One scaling policy: at most <see cref="Value"/> pods or percent per <see cref="PeriodSeconds"/>.</summary>
internal sealed record HpaPolicy(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("value")] int Value,
    [property: JsonPropertyName("period_s")] int PeriodSeconds);

/// <summary>scaleUp or scaleDown behaviour, Kubernetes defaults filled in where the manifest leaves a field out.</summary>
internal sealed record HpaScalingRules(
    [property: JsonPropertyName("stabilization_window_s")] int StabilizationWindowSeconds,
    [property: JsonPropertyName("select_policy")] string SelectPolicy,
    [property: JsonPropertyName("policies")] IReadOnlyList<HpaPolicy> Policies)
{
    /// <summary>autoscaling/v2 default for scaleUp: no stabilization, +100 % or +4 pods per 15 s, whichever is more.</summary>
    public static HpaScalingRules DefaultScaleUp { get; } =
        new(0, "Max", [new HpaPolicy("Percent", 100, 15), new HpaPolicy("Pods", 4, 15)]);

    /// <summary>autoscaling/v2 default for scaleDown: 300 s stabilization, down to any count (-100 % per 15 s).</summary>
    public static HpaScalingRules DefaultScaleDown { get; } = new(300, "Max", [new HpaPolicy("Percent", 100, 15)]);
}

/// <summary>
/// What the replay needs of a HorizontalPodAutoscaler: replica bounds, the Pods metric and its per-pod target, the
/// behaviour, plus the controller-wide settings that are kube-controller-manager flags rather than manifest fields.
/// </summary>
internal sealed record HpaSpec(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("min_replicas")] int MinReplicas,
    [property: JsonPropertyName("max_replicas")] int MaxReplicas,
    [property: JsonPropertyName("metric")] string MetricName,
    [property: JsonPropertyName("target_average_value")] double TargetAverageValue,
    [property: JsonPropertyName("other_metrics")] IReadOnlyList<string> OtherMetrics,
    [property: JsonPropertyName("scale_up")] HpaScalingRules ScaleUp,
    [property: JsonPropertyName("scale_down")] HpaScalingRules ScaleDown,
    [property: JsonPropertyName("tolerance")] double Tolerance,
    [property: JsonPropertyName("sync_period_s")] double SyncPeriodSeconds,
    [property: JsonPropertyName("scrape_interval_s")] double ScrapeIntervalSeconds)
{
    /// <summary>kube-controller-manager --horizontal-pod-autoscaler-tolerance default.</summary>
    public const double DefaultTolerance = 0.1;

    /// <summary>kube-controller-manager --horizontal-pod-autoscaler-sync-period default.</summary>
    public const double DefaultSyncPeriodSeconds = 15;
}

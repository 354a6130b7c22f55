namespace Gateway.Observability.Metrics;

internal static class MetricKindExtensions
{
    public static bool IsCounter(this MetricKind kind) => kind is MetricKind.Counter or MetricKind.ObservedCounter;

    public static GatewayMetricType PrometheusType(this MetricKind kind) => kind switch
    {
        MetricKind.Counter or MetricKind.ObservedCounter => GatewayMetricType.Counter,
        MetricKind.Histogram => GatewayMetricType.Histogram,
        _ => GatewayMetricType.Gauge,
    };
}

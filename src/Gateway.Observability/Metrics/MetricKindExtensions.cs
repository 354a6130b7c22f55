namespace Gateway.Observability.Metrics;

internal static class MetricKindExtensions
{
    public static bool IsCounter(this MetricKind kind) => kind is MetricKind.Counter or MetricKind.ObservedCounter;

    public static string PrometheusType(this MetricKind kind) => kind switch
    {
        MetricKind.Counter or MetricKind.ObservedCounter => "counter",
        MetricKind.Histogram => "histogram",
        _ => "gauge",
    };
}

namespace Gateway.Observability.Metrics;

/// <summary>The Prometheus type a family is exposed as (the <c># TYPE</c> line prometheus-net writes).</summary>
public enum GatewayMetricType
{
    Counter,
    Gauge,
    Histogram,
}

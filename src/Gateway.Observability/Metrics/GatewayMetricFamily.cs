namespace Gateway.Observability.Metrics;

/// <summary>One metric family of the contract: its Prometheus name, type and label names (sorted).</summary>
public sealed record GatewayMetricFamily(string Name, GatewayMetricType Type, IReadOnlyList<string> Labels);

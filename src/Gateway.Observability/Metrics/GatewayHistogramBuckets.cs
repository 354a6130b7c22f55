namespace Gateway.Observability.Metrics;

/// <summary>Bucket boundaries shared by instruments and dashboards so that quantiles are comparable.</summary>
public static class GatewayHistogramBuckets
{
    /// <summary>
    /// Seconds; dense below one second where token latencies live, sparse up to the long tail of full requests.
    /// </summary>
    public static IReadOnlyList<double> LatencySeconds { get; } =
        [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 20, 40, 80];

    /// <summary>Sequences per engine step.</summary>
    public static IReadOnlyList<double> BatchSize { get; } = [1, 2, 4, 8, 16, 32, 64, 128, 256];

    /// <summary>Tokens per engine step, powers of two up to a large prefill chunk.</summary>
    public static IReadOnlyList<double> StepTokens { get; } = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048];
}

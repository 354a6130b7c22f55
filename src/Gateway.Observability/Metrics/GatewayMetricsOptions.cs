namespace Gateway.Observability.Metrics;

/// <summary>Tunables of <see cref="MeterPrometheusBridge"/>.</summary>
public sealed class GatewayMetricsOptions
{
    /// <summary>Meters whose name starts with one of these prefixes (ordinal) are exported.</summary>
    public IList<string> MeterNamePrefixes { get; } = new List<string>
    {
        "Gateway.",
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.RateLimiting",
        "System.Runtime",
    };

    /// <summary>
    /// Distinct tag sets kept per metric before further ones fold into one "__overflow__" series; a tenant or path
    /// label gone wild must not grow the scrape (and the process) without limit.
    /// </summary>
    public int MaxSeriesPerInstrument { get; set; } = 1000;

    /// <summary>Histogram upper bounds used when an instrument gives no bucket advice.</summary>
    public IList<double> DefaultHistogramBuckets { get; } = new List<double>(GatewayHistogramBuckets.LatencySeconds);
}

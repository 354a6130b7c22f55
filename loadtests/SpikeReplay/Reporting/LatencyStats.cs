using System.Text.Json.Serialization;

namespace SpikeReplay.Reporting;

/// <summary>p50/p95/p99 (and count, mean, max) of one latency, in milliseconds; percentiles are null without samples.</summary>
internal sealed record LatencyStats(
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("mean")] double? Mean,
    [property: JsonPropertyName("p50")] double? P50,
    [property: JsonPropertyName("p95")] double? P95,
    [property: JsonPropertyName("p99")] double? P99,
    [property: JsonPropertyName("max")] double? Max)
{
    public static LatencyStats From(IEnumerable<double> samples)
    {
        var sorted = samples.ToArray();
        Array.Sort(sorted);
        if (sorted.Length == 0)
        {
            return new LatencyStats(0, null, null, null, null, null);
        }

        return new LatencyStats(sorted.Length, sorted.Average(), Percentiles.OfSorted(sorted, 50),
            Percentiles.OfSorted(sorted, 95), Percentiles.OfSorted(sorted, 99), sorted[^1]);
    }

    public double? Get(int percentile) => percentile switch
    {
        50 => P50,
        95 => P95,
        99 => P99,
        _ => throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "Only p50, p95 and p99 are reported."),
    };
}

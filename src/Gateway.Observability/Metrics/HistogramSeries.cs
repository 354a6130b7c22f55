using Prometheus;

namespace Gateway.Observability.Metrics;

/// <summary>A histogram series with the buckets its instrument advised.</summary>
internal sealed class HistogramSeries(TagSet tags, Histogram.Child child) : MetricSeries(tags)
{
    public override void Record(double value)
    {
        // A NaN would poison _sum forever and has no bucket.
        if (!double.IsNaN(value))
        {
            child.Observe(value);
        }
    }
}

using Prometheus;

namespace Gateway.Observability.Metrics;

/// <summary>A gauge: summed increments (<c>UpDownCounter&lt;T&gt;</c>) or the last value written (gauges and observations).</summary>
internal sealed class GaugeSeries(TagSet tags, Gauge.Child child, bool accumulate) : MetricSeries(tags)
{
    public override void Record(double value)
    {
        if (accumulate)
        {
            child.Inc(value);
        }
        else
        {
            child.Set(value);
        }
    }
}

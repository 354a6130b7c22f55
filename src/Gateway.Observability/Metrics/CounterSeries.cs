using Prometheus;

namespace Gateway.Observability.Metrics;

/// <summary>A counter fed by increments (<c>Counter&lt;T&gt;</c>) or by cumulative observations (<c>ObservableCounter&lt;T&gt;</c>).</summary>
internal sealed class CounterSeries(TagSet tags, Counter.Child child, bool cumulative) : MetricSeries(tags)
{
    public override void Record(double value)
    {
        // prometheus-net throws on a decrease; a negative increment from a buggy caller must not reach the hot path as an exception.
        if (double.IsNaN(value) || value < 0)
        {
            return;
        }

        if (cumulative)
        {
            child.IncTo(value);
        }
        else
        {
            child.Inc(value);
        }
    }
}

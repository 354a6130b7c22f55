namespace Gateway.Observability.Metrics;

/// <summary>One number per series: a running sum (counters, up-down counters) or the last value written (gauges, observations).</summary>
internal sealed class ScalarSeries(TagSet tags, bool accumulate) : MetricSeries(tags)
{
    private double _value;

    public double Value => Volatile.Read(ref _value);

    public override void Record(double value)
    {
        if (!accumulate)
        {
            Volatile.Write(ref _value, value);
            return;
        }

        // There is no Interlocked.Add for double; retry the compare-exchange until no other writer raced us.
        var current = Volatile.Read(ref _value);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref _value, current + value, current);
            if (seen.Equals(current))
            {
                return;
            }

            current = seen;
        }
    }

    public override void WriteSamples(TextWriter writer, string metricName) =>
        WriteSample(writer, metricName, Tags.LabelText, Value);
}

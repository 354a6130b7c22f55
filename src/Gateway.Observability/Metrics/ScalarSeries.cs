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

        InterlockedDouble.Add(ref _value, value);
    }

    public override void WriteSamples(TextWriter writer, string metricName) =>
        WriteSample(writer, metricName, Tags.LabelText, Value);
}

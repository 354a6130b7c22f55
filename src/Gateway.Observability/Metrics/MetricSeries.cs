namespace Gateway.Observability.Metrics;

/// <summary>The aggregated state of one tag set of one metric; recording is lock-free.</summary>
internal abstract class MetricSeries(TagSet tags)
{
    public TagSet Tags { get; } = tags;

    public abstract void Record(double value);

    public abstract void WriteSamples(TextWriter writer, string metricName);

    protected static void WriteSample(TextWriter writer, string name, string labelText, double value)
    {
        writer.Write(name);
        if (labelText.Length > 0)
        {
            writer.Write('{');
            writer.Write(labelText);
            writer.Write('}');
        }

        writer.Write(' ');
        writer.Write(PrometheusText.FormatValue(value));
        writer.Write('\n');
    }
}

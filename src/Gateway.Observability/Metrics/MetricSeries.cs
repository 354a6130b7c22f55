namespace Gateway.Observability.Metrics;

/// <summary>One tag set of one metric, bound to its prometheus-net child so that a measurement is one call.</summary>
internal abstract class MetricSeries(TagSet tags)
{
    public TagSet Tags { get; } = tags;

    public abstract void Record(double value);
}

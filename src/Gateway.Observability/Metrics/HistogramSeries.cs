namespace Gateway.Observability.Metrics;

/// <summary>Per-bucket counts (non-cumulative while recording, made cumulative when written) and the sum.</summary>
internal sealed class HistogramSeries : MetricSeries
{
    private readonly double[] _bounds;
    private readonly string[] _boundLabels;
    private readonly long[] _counts;
    private double _sum;

    public HistogramSeries(TagSet tags, double[] bounds, string[] boundLabels)
        : base(tags)
    {
        _bounds = bounds;
        _boundLabels = boundLabels;
        // The last slot holds observations above the highest bound (the +Inf bucket).
        _counts = new long[bounds.Length + 1];
    }

    public override void Record(double value)
    {
        var index = _bounds.AsSpan().BinarySearch(value);
        // An exact hit belongs to that bucket (le is inclusive); otherwise the complement is the next larger bound.
        Interlocked.Increment(ref _counts[index >= 0 ? index : ~index]);
        InterlockedDouble.Add(ref _sum, value);
    }

    public override void WriteSamples(TextWriter writer, string metricName)
    {
        var bucketName = metricName + "_bucket";
        var prefix = Tags.LabelText.Length > 0 ? Tags.LabelText + "," : string.Empty;
        long cumulative = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            cumulative += Volatile.Read(ref _counts[i]);
            var le = i < _boundLabels.Length ? _boundLabels[i] : "+Inf";
            WriteSample(writer, bucketName, prefix + "le=\"" + le + "\"", cumulative);
        }

        WriteSample(writer, metricName + "_sum", Tags.LabelText, Volatile.Read(ref _sum));
        // Derived from the buckets read above so that _count always equals the +Inf bucket of the same scrape.
        WriteSample(writer, metricName + "_count", Tags.LabelText, cumulative);
    }
}

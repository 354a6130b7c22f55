using System.Collections.Concurrent;
using System.Globalization;

namespace Gateway.Observability.Metrics;

/// <summary>
/// Everything exposed under one Prometheus metric name. Several instruments may feed one family: every host in a
/// process (tests, for instance) gets its own ASP.NET Core meter instances with identical instrument names.
/// </summary>
internal sealed class MetricFamily
{
    private readonly ConcurrentDictionary<TagSet, MetricSeries> _series = new(TagSetComparer.Instance);
    private readonly ConcurrentDictionary<TagSet, MetricSeries>.AlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>> _lookup;
    private readonly Lock _createLock = new();
    private readonly int _maxSeries;
    private readonly double[] _bounds;
    private readonly string[] _boundLabels;
    private MetricSeries? _overflow;
    private int _seriesCount;
    private long _droppedMeasurements;
    private int _overflowReported;

    public MetricFamily(string name, string help, MetricKind kind, IReadOnlyList<double> bounds, int maxSeries)
    {
        Name = name;
        Help = help;
        Kind = kind;
        _maxSeries = maxSeries;
        _bounds = [.. bounds.Where(b => !double.IsNaN(b) && !double.IsPositiveInfinity(b)).Distinct().Order()];
        _boundLabels = [.. _bounds.Select(PrometheusText.FormatValue)];
        _lookup = _series.GetAlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>>();
    }

    public string Name { get; }

    public string Help { get; }

    public MetricKind Kind { get; }

    /// <summary>Measurements that landed in the overflow series because the tag-set cap was reached.</summary>
    public long DroppedMeasurements => Interlocked.Read(ref _droppedMeasurements);

    /// <summary>Raised once, the first time a measurement folds into the overflow series.</summary>
    public event Action<MetricFamily>? OverflowStarted;

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (Kind == MetricKind.Histogram && double.IsNaN(value))
        {
            // A NaN would poison _sum forever and has no bucket.
            return;
        }

        if (!_lookup.TryGetValue(tags, out var series))
        {
            // Once full, unknown tag sets skip the creation lock: a runaway label must not serialize the hot path.
            series = Volatile.Read(ref _overflow) is { } overflow && Volatile.Read(ref _seriesCount) >= _maxSeries
                ? Fold(overflow)
                : AddSeries(tags);
        }

        series.Record(value);
    }

    public void WriteTo(TextWriter writer)
    {
        var snapshot = _series.Values.ToList();
        if (Volatile.Read(ref _overflow) is { } overflow)
        {
            snapshot.Add(overflow);
        }

        if (snapshot.Count == 0)
        {
            return;
        }

        snapshot.Sort(static (a, b) => string.CompareOrdinal(a.Tags.LabelText, b.Tags.LabelText));
        writer.Write("# HELP ");
        writer.Write(Name);
        writer.Write(' ');
        writer.Write(PrometheusText.EscapeHelp(Help));
        writer.Write("\n# TYPE ");
        writer.Write(Name);
        writer.Write(' ');
        writer.Write(Kind.PrometheusType());
        writer.Write('\n');
        foreach (var series in snapshot)
        {
            series.WriteSamples(writer, Name);
        }
    }

    private MetricSeries AddSeries(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        lock (_createLock)
        {
            if (_lookup.TryGetValue(tags, out var existing))
            {
                return existing;
            }

            if (_seriesCount >= _maxSeries)
            {
                var overflow = _overflow ?? CreateSeries(TagSet.Overflow(tags));
                Volatile.Write(ref _overflow, overflow);
                if (Interlocked.Exchange(ref _overflowReported, 1) == 0)
                {
                    OverflowStarted?.Invoke(this);
                }

                return Fold(overflow);
            }

            var series = CreateSeries(TagSet.FromMeasurement(tags));
            _series[series.Tags] = series;
            Volatile.Write(ref _seriesCount, _seriesCount + 1);
            return series;
        }
    }

    private MetricSeries Fold(MetricSeries overflow)
    {
        Interlocked.Increment(ref _droppedMeasurements);
        return overflow;
    }

    private MetricSeries CreateSeries(TagSet tags) => Kind switch
    {
        MetricKind.Histogram => new HistogramSeries(tags, _bounds, _boundLabels),
        MetricKind.Counter or MetricKind.SummedGauge => new ScalarSeries(tags, accumulate: true),
        _ => new ScalarSeries(tags, accumulate: false),
    };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} ({Kind}, {_seriesCount} series)");
}

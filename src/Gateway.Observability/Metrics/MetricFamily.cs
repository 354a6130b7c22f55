using System.Collections.Concurrent;
using System.Globalization;
using Prometheus;

namespace Gateway.Observability.Metrics;

/// <summary>
/// Everything exposed under one Prometheus metric name, held by prometheus-net collectors in the gateway's registry.
/// Several instruments may feed one family: every host in a process (tests, for instance) gets its own ASP.NET Core
/// meter instances with identical instrument names. The number of tag sets is capped: past the cap, measurements fold
/// into one <c>__overflow__</c> series and are counted in <see cref="GatewayMetricNames.MetricsSeriesDropped"/>.
/// </summary>
internal sealed class MetricFamily
{
    private readonly ConcurrentDictionary<TagSet, MetricSeries> _series = new(TagSetComparer.Instance);
    private readonly ConcurrentDictionary<TagSet, MetricSeries>.AlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>> _lookup;
    private readonly Lock _createLock = new();
    private readonly int _maxSeries;
    private readonly double[] _bounds;
    private readonly IMetricFactory _factory;
    private readonly Counter _dropped;
    private Counter.Child? _droppedChild;
    private MetricSeries? _overflow;
    private int _seriesCount;
    private long _droppedMeasurements;
    private int _overflowReported;

    public MetricFamily(
        string name, string help, MetricKind kind, IReadOnlyList<double> bounds, int maxSeries, IMetricFactory factory, Counter dropped)
    {
        Name = name;
        Help = help;
        Kind = kind;
        _maxSeries = maxSeries;
        _bounds = [.. bounds.Where(b => !double.IsNaN(b) && !double.IsPositiveInfinity(b)).Distinct().Order()];
        _factory = factory;
        _dropped = dropped;
        _lookup = _series.GetAlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>>();
    }

    public string Name { get; }

    public string Help { get; }

    public MetricKind Kind { get; }

    /// <summary>Measurements that landed in the overflow series because the tag-set cap was reached.</summary>
    public long DroppedMeasurements => Interlocked.Read(ref _droppedMeasurements);

    /// <summary>Tag sets seen so far, the overflow series not included.</summary>
    public int SeriesCount => Volatile.Read(ref _seriesCount);

    /// <summary>Raised once, the first time a measurement folds into the overflow series.</summary>
    public event Action<MetricFamily>? OverflowStarted;

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (!_lookup.TryGetValue(tags, out var series))
        {
            // Once full, unknown tag sets skip the creation lock: a runaway label must not serialize the hot path.
            series = Volatile.Read(ref _overflow) is { } overflow && Volatile.Read(ref _seriesCount) >= _maxSeries
                ? Fold(overflow)
                : AddSeries(tags);
        }

        series.Record(value);
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
                _droppedChild ??= _dropped.WithLabels(Name);
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
        _droppedChild?.Inc();
        return overflow;
    }

    /// <summary>
    /// prometheus-net keys a family's collectors by label names, so tag sets with different keys (an error label present
    /// on some measurements only, say) each get their own collector under the one name. Runs under the creation lock.
    /// </summary>
    private MetricSeries CreateSeries(TagSet tags) => Kind switch
    {
        MetricKind.Histogram => new HistogramSeries(tags,
            _factory.CreateHistogram(Name, Help, tags.LabelNames, new HistogramConfiguration { Buckets = _bounds }).WithLabels(tags.LabelValues)),
        MetricKind.Counter => new CounterSeries(tags, _factory.CreateCounter(Name, Help, tags.LabelNames).WithLabels(tags.LabelValues), cumulative: false),
        MetricKind.ObservedCounter => new CounterSeries(tags, _factory.CreateCounter(Name, Help, tags.LabelNames).WithLabels(tags.LabelValues), cumulative: true),
        MetricKind.SummedGauge => new GaugeSeries(tags, _factory.CreateGauge(Name, Help, tags.LabelNames).WithLabels(tags.LabelValues), accumulate: true),
        _ => new GaugeSeries(tags, _factory.CreateGauge(Name, Help, tags.LabelNames).WithLabels(tags.LabelValues), accumulate: false),
    };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} ({Kind}, {_seriesCount} series)");
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Gateway.Observability.Metrics;

/// <summary>
/// Publishes System.Diagnostics.Metrics instruments as prometheus-net collectors in the gateway's registry, which
/// prometheus-net.AspNetCore serves on <c>/metrics</c>.
/// </summary>
/// <remarks>
/// prometheus-net's own MeterAdapter is not used: it prefixes every name with the meter's name, exposes counters as
/// gauges and drops series that have not changed for five minutes, any of which would break the dashboards, the alert
/// rules and the autoscaler's queries. Here an instrument keeps its name (the gateway's are already in Prometheus form,
/// see <see cref="GatewayMetricNames"/>; framework ones follow the OpenTelemetry-to-Prometheus rules), its type, its
/// tags as labels and its advised histogram buckets. Recording into an existing series takes no lock and allocates nothing.
/// </remarks>
public sealed class MeterPrometheusBridge : IDisposable
{
    private const string DroppedHelp =
        "Measurements folded into an __overflow__ series because the metric reached its cap of distinct tag sets.";

    private readonly GatewayMetricsOptions _options;
    private readonly ILogger _logger;
    private readonly IMetricFactory _factory;
    private readonly Counter _dropped;
    private readonly ConcurrentDictionary<string, MetricFamily> _families = new(StringComparer.Ordinal);
    private readonly Lock _registrationLock = new();
    private readonly MeterListener _listener = new();
    private int _disposed;

    public MeterPrometheusBridge(CollectorRegistry registry, IOptions<GatewayMetricsOptions> options, ILogger<MeterPrometheusBridge>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxSeriesPerInstrument, 1);
        _logger = logger ?? (ILogger)NullLogger.Instance;
        Registry = registry;
        _factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _dropped = _factory.CreateCounter(GatewayMetricNames.MetricsSeriesDropped, DroppedHelp, [GatewayMetricNames.Labels.Metric]);

        _listener.InstrumentPublished = OnInstrumentPublished;
        // One callback per numeric type the API allows; none captures anything, so none allocates per call.
        _listener.SetMeasurementEventCallback<byte>(static (_, m, tags, state) => ((MetricFamily)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, m, tags, state) => ((MetricFamily)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, m, tags, state) => ((MetricFamily)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<long>(static (_, m, tags, state) => ((MetricFamily)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, m, tags, state) => ((MetricFamily)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, m, tags, state) => ((MetricFamily)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, m, tags, state) => ((MetricFamily)state!).Record((double)m, tags));
        _listener.Start();
        // Observable instruments report only when asked; one pass per scrape keeps their values fresh.
        registry.AddBeforeCollectCallback(RecordObservableInstruments);
    }

    /// <summary>The registry the instruments are published in; the scrape endpoint serves it.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>The families published so far, by Prometheus name.</summary>
    internal IReadOnlyDictionary<string, MetricFamily> Families => _families;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _listener.Dispose();
        }
    }

    private void RecordObservableInstruments()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        try
        {
            _listener.RecordObservableInstruments();
        }
        catch (AggregateException failures)
        {
            // Every other callback still ran; one faulty callback must not take the whole scrape down.
            ExporterLog.ObservableCallbackFailed(_logger, failures);
        }
    }

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (!IsExportedMeter(instrument.Meter.Name) || InstrumentKind(instrument) is not { } kind)
        {
            return;
        }

        var name = PrometheusNaming.MetricName(instrument.Name, instrument.Unit, kind.IsCounter(), kind == MetricKind.Histogram);
        if (name == GatewayMetricNames.MetricsSeriesDropped)
        {
            return;
        }

        MetricFamily family;
        lock (_registrationLock)
        {
            if (_families.TryGetValue(name, out var existing))
            {
                if (existing.Kind != kind)
                {
                    ExporterLog.InstrumentConflict(_logger, instrument.Name, instrument.Meter.Name, name, existing.Kind, kind);
                    return;
                }

                family = existing;
            }
            else
            {
                var bounds = kind == MetricKind.Histogram
                    ? AdvisedBuckets(instrument) is { Count: > 0 } advised ? advised : [.. _options.DefaultHistogramBuckets]
                    : [];
                family = new MetricFamily(name, HelpText(instrument.Description ?? instrument.Name), kind, bounds, _options.MaxSeriesPerInstrument, _factory, _dropped);
                family.OverflowStarted += f => ExporterLog.SeriesOverflow(_logger, f.Name, _options.MaxSeriesPerInstrument);
                _families[name] = family;
            }
        }

        ExporterLog.InstrumentExported(_logger, instrument.Name, instrument.Meter.Name, name);
        listener.EnableMeasurementEvents(instrument, family);
    }

    /// <summary>
    /// prometheus-net writes help text verbatim, so the escapes of the text format (backslash, line feed) are applied
    /// here: a multi-line instrument description must not end the <c># HELP</c> line early and void the scrape.
    /// </summary>
    internal static string HelpText(string description) =>
        description.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", string.Empty, StringComparison.Ordinal);

    private bool IsExportedMeter(string meterName)
    {
        foreach (var prefix in _options.MeterNamePrefixes)
        {
            if (meterName.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static MetricKind? InstrumentKind(Instrument instrument)
    {
        var type = instrument.GetType();
        if (!type.IsGenericType)
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition();
        if (definition == typeof(Counter<>))
        {
            return MetricKind.Counter;
        }

        if (definition == typeof(ObservableCounter<>))
        {
            return MetricKind.ObservedCounter;
        }

        if (definition == typeof(UpDownCounter<>))
        {
            return MetricKind.SummedGauge;
        }

        if (definition == typeof(Histogram<>))
        {
            return MetricKind.Histogram;
        }

        if (definition == typeof(Gauge<>) || definition == typeof(ObservableGauge<>) || definition == typeof(ObservableUpDownCounter<>))
        {
            return MetricKind.LastValueGauge;
        }

        return null;
    }

    private static IReadOnlyList<double>? AdvisedBuckets(Instrument instrument) => instrument switch
    {
        Instrument<double> d => d.Advice?.HistogramBucketBoundaries,
        Instrument<float> f => Widen(f.Advice?.HistogramBucketBoundaries),
        Instrument<long> l => Widen(l.Advice?.HistogramBucketBoundaries),
        Instrument<int> i => Widen(i.Advice?.HistogramBucketBoundaries),
        Instrument<short> s => Widen(s.Advice?.HistogramBucketBoundaries),
        Instrument<byte> b => Widen(b.Advice?.HistogramBucketBoundaries),
        Instrument<decimal> m => m.Advice?.HistogramBucketBoundaries?.Select(v => (double)v).ToArray(),
        _ => null,
    };

    private static double[]? Widen<T>(IReadOnlyList<T>? bounds)
        where T : struct, IConvertible =>
        bounds?.Select(v => v.ToDouble(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.Observability.Metrics;

/// <summary>
/// Aggregates System.Diagnostics.Metrics measurements from the configured meters and renders them in the
/// Prometheus text format 0.0.4. Recording into an existing series takes no lock and allocates nothing.
/// </summary>
public sealed class PrometheusExporter : IMetricsExposition, IDisposable
{
    private const string DroppedHelp =
        "Measurements folded into an __overflow__ series because the metric reached its cap of distinct tag sets.";

    private readonly PrometheusExporterOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, MetricFamily> _families = new(StringComparer.Ordinal);
    private readonly Lock _registrationLock = new();
    private readonly Lock _scrapeLock = new();
    private readonly MeterListener _listener = new();

    public PrometheusExporter(IOptions<PrometheusExporterOptions> options, ILogger<PrometheusExporter>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxSeriesPerInstrument, 1);
        _logger = logger ?? (ILogger)NullLogger.Instance;

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
    }

    public string ContentType => PrometheusText.ContentType;

    public void WriteTo(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        lock (_scrapeLock)
        {
            // Observable instruments report only when asked; one pass per scrape keeps their values fresh.
            try
            {
                _listener.RecordObservableInstruments();
            }
            catch (AggregateException failures)
            {
                // Every other callback still ran; one faulty callback must not take the whole scrape down.
                ExporterLog.ObservableCallbackFailed(_logger, failures);
            }

            var families = _families.Values.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
            foreach (var family in families)
            {
                family.WriteTo(writer);
            }

            WriteDroppedSeries(writer, families);
        }
    }

    public void Dispose() => _listener.Dispose();

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
                    ? AdvisedBuckets(instrument) ?? [.. _options.DefaultHistogramBuckets]
                    : [];
                family = new MetricFamily(name, instrument.Description ?? instrument.Name, kind, bounds, _options.MaxSeriesPerInstrument);
                family.OverflowStarted += f => ExporterLog.SeriesOverflow(_logger, f.Name, _options.MaxSeriesPerInstrument);
                _families[name] = family;
            }
        }

        ExporterLog.InstrumentExported(_logger, instrument.Name, instrument.Meter.Name, name);
        listener.EnableMeasurementEvents(instrument, family);
    }

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

    private static void WriteDroppedSeries(TextWriter writer, List<MetricFamily> families)
    {
        writer.Write("# HELP " + GatewayMetricNames.MetricsSeriesDropped + " " + DroppedHelp + "\n");
        writer.Write("# TYPE " + GatewayMetricNames.MetricsSeriesDropped + " counter\n");
        foreach (var family in families)
        {
            var dropped = family.DroppedMeasurements;
            if (dropped > 0)
            {
                writer.Write(GatewayMetricNames.MetricsSeriesDropped + "{metric=\"" + family.Name + "\"} ");
                writer.Write(PrometheusText.FormatValue(dropped));
                writer.Write('\n');
            }
        }
    }
}

using System.Diagnostics.Metrics;
using System.Globalization;
using Gateway.Observability.Metrics;
using Microsoft.Extensions.Options;

namespace Gateway.Observability.Tests.Metrics;

/// <summary>
/// A meter with a name unique to one test and an exporter listening to that meter only, so that tests running in
/// parallel never see each other's instruments.
/// </summary>
internal sealed class ExporterFixture : IDisposable
{
    public ExporterFixture(int maxSeries = 1000)
    {
        MeterName = "Test.Exposition." + Guid.NewGuid().ToString("N");
        var options = new PrometheusExporterOptions { MaxSeriesPerInstrument = maxSeries };
        options.MeterNamePrefixes.Clear();
        options.MeterNamePrefixes.Add(MeterName);
        Exporter = new PrometheusExporter(Options.Create(options));
        Meter = new Meter(MeterName);
    }

    public const string DroppedFamilyHeader =
        "# HELP gateway_metrics_series_dropped_total Measurements folded into an __overflow__ series because the metric reached its cap of distinct tag sets.\n"
        + "# TYPE gateway_metrics_series_dropped_total counter\n";

    public string MeterName { get; }

    public Meter Meter { get; }

    public PrometheusExporter Exporter { get; }

    public string Scrape()
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Exporter.WriteTo(writer);
        return writer.ToString();
    }

    public void Dispose()
    {
        Meter.Dispose();
        Exporter.Dispose();
    }
}

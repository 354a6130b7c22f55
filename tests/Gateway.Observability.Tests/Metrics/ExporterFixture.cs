using System.Diagnostics.Metrics;
using System.Text;
using Gateway.Observability.Metrics;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Gateway.Observability.Tests.Metrics;

/// <summary>
/// A meter with a name unique to one test and a bridge (with its own prometheus-net registry) listening to that meter
/// only, so that tests running in parallel never see each other's instruments.
/// </summary>
internal sealed class ExporterFixture : IDisposable
{
    public ExporterFixture(int maxSeries = 1000)
    {
        MeterName = "Test.Exposition." + Guid.NewGuid().ToString("N");
        var options = new GatewayMetricsOptions { MaxSeriesPerInstrument = maxSeries };
        options.MeterNamePrefixes.Clear();
        options.MeterNamePrefixes.Add(MeterName);
        Exporter = new MeterPrometheusBridge(Prometheus.Metrics.NewCustomRegistry(), Options.Create(options));
        Meter = new Meter(MeterName);
    }

    public const string DroppedFamilyHeader =
        "# HELP gateway_metrics_series_dropped_total Measurements folded into an __overflow__ series because the metric reached its cap of distinct tag sets.\n"
        + "# TYPE gateway_metrics_series_dropped_total counter\n";

    public string MeterName { get; }

    public Meter Meter { get; }

    public MeterPrometheusBridge Exporter { get; }

    /// <summary>
    /// The registry's scrape as prometheus-net.AspNetCore serves it (text format 0.0.4), with the families sorted by
    /// name and the exporter's own dropped-series family last: prometheus-net writes them in registration order, which
    /// is not what the tests are about.
    /// </summary>
    public string Scrape()
    {
        using var stream = new MemoryStream();
        Exporter.Registry.CollectAndExportAsTextAsync(stream, ExpositionFormat.PrometheusText).GetAwaiter().GetResult();
        var text = Encoding.UTF8.GetString(stream.ToArray());
        var families = new List<StringBuilder>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal) || families.Count == 0)
            {
                families.Add(new StringBuilder());
            }

            families[^1].Append(line).Append('\n');
        }

        return string.Concat(families.Select(f => f.ToString())
            .OrderBy(f => f.StartsWith(DroppedFamilyHeader, StringComparison.Ordinal))
            .ThenBy(f => f, StringComparer.Ordinal));
    }

    public void Dispose()
    {
        Meter.Dispose();
        Exporter.Dispose();
    }
}

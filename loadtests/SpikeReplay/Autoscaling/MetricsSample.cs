using System.Text.Json.Serialization;

namespace SpikeReplay.Autoscaling;

/// <summary>One scrape of the gateway's /metrics during a run: when (seconds since the run started) and the totals.</summary>
internal sealed record MetricsSample(
    [property: JsonPropertyName("t_s")] double Seconds,
    [property: JsonPropertyName("values")] IReadOnlyDictionary<string, double> Values);

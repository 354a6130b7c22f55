namespace Gateway.Observability.Metrics;

/// <summary>
/// Renders the current state of every collected metric in a scrape format. The endpoint depends only on this
/// interface so that a library exporter (e.g. prometheus-net) can replace the built-in one without touching callers.
/// </summary>
public interface IMetricsExposition
{
    /// <summary>The HTTP content type of the rendered text.</summary>
    string ContentType { get; }

    /// <summary>Collects observable instruments and writes one complete scrape.</summary>
    void WriteTo(TextWriter writer);
}

using System.Diagnostics;

namespace SpikeReplay.Autoscaling;

/// <summary>
/// Scrapes the gateway's /metrics once a second while a run is going, so the report holds what the autoscaler would
/// have seen second by second (hpa-replay reads it). A target without /metrics just yields no samples.
/// </summary>
internal sealed class MetricsScraper(HttpClient http, Uri metricsUrl)
{
    /// <summary>The series hpa-replay and the report use.</summary>
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
    {
        "gateway_demand_ratio",
        "gateway_num_requests_waiting",
        "gateway_num_requests_running",
        "gateway_queue_rejections_total",
        "gateway_prompt_tokens_total",
        "gateway_generation_tokens_total",
    };

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>Scrapes until <paramref name="stop"/> fires; <paramref name="clock"/> started with the run.</summary>
    public async Task<IReadOnlyList<MetricsSample>> RunAsync(Stopwatch clock, CancellationToken stop)
    {
        var samples = new List<MetricsSample>();
        var next = TimeSpan.Zero;
        while (!stop.IsCancellationRequested)
        {
            var at = clock.Elapsed;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
                timeout.CancelAfter(Interval);
                using var response = await http.GetAsync(metricsUrl, timeout.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
                    samples.Add(new MetricsSample(Math.Round(at.TotalSeconds, 3), PrometheusTextParser.Totals(text, Names)));
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                // A missed scrape is a gap in the record, like a missed Prometheus scrape; the run goes on.
            }

            next += Interval;
            var wait = next - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        return samples;
    }
}

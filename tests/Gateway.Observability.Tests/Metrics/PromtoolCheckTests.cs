using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Gateway.Observability.Tests.Metrics;

public sealed class PromtoolCheckTests
{
    [PromtoolFact]
    public async Task A_real_scrape_with_every_instrument_kind_passes_promtool_check_metrics()
    {
        Assert.True(Promtool.Path is not null, "promtool is required when CI=true (apt-get install -y prometheus)");
        await using var host = await MetricsTestHost.StartAsync(maxSeries: 3);
        using var meter = host.CreateMeter();
        RecordEveryKind(meter);
        Assert.Equal("hi", await host.Client.GetStringAsync(new Uri("/hello", UriKind.Relative)));
        var scrape = await host.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("gateway_metrics_series_dropped_total{metric=\"gateway_requests_total\"}", scrape, StringComparison.Ordinal);

        var (exitCode, output) = await RunPromtoolAsync(scrape);

        Assert.True(exitCode == 0, $"promtool check metrics exited {exitCode}:\n{output}\n--- scrape ---\n{scrape}");
    }

    private static void RecordEveryKind(Meter meter)
    {
        var model = new KeyValuePair<string, object?>("model", "llama \"3\"\\8b\nq4");
        meter.CreateCounter<long>("gateway_prompt_tokens_total", "{token}", "Prompt tokens.").Add(12, model);
        meter.CreateUpDownCounter<long>("gateway_num_requests_waiting", "{request}", "Waiting.").Add(3, model);
        meter.CreateGauge<double>("gateway_kv_cache_usage_ratio", "1", "KV usage.").Record(0.4, model);
        meter.CreateHistogram<double>("gateway_inter_token_latency_seconds", "s", "Inter-token latency.").Record(0.03, model);
        meter.CreateHistogram<int>(
            "gateway_engine_batch_size", "{sequence}", "Sequences per step.", tags: null,
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] }).Record(5);
        meter.CreateObservableCounter("gateway_prefix_cache_queries_total", () => 9L, "{query}", "Prefix cache queries.");
        meter.CreateObservableGauge("gateway_num_requests_running", () => 2, "{request}", "Running.");
        meter.CreateObservableUpDownCounter("memory.pool.size", () => 4096L, "By", "Pool size.");
        var requests = meter.CreateCounter<long>("gateway_requests_total", "{request}", "Requests.");
        foreach (var tenant in new[] { "a", "b", "c", "d", "e" })
        {
            requests.Add(1, new("status", "200"), new("model", "m"), new("tenant", tenant));
        }
    }

    private static async Task<(int ExitCode, string Output)> RunPromtoolAsync(string scrape)
    {
        var start = new ProcessStartInfo(Promtool.Path!, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(scrape);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}

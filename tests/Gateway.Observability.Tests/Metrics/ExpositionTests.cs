using System.Diagnostics.Metrics;
using Gateway.Observability.Metrics;

namespace Gateway.Observability.Tests.Metrics;

public sealed class ExpositionTests
{
    private static readonly KeyValuePair<string, object?> ModelA = new("model", "a");
    private static readonly KeyValuePair<string, object?> ModelB = new("model", "b");

    [Fact]
    public void Counter_sums_increments_per_tag_set()
    {
        using var fixture = new ExporterFixture();
        var counter = fixture.Meter.CreateCounter<long>("gateway_prompt_tokens_total", "{token}", "Prompt tokens processed.");
        counter.Add(3, ModelA);
        counter.Add(4, ModelA);
        counter.Add(1, ModelB);

        Assert.Equal(
            "# HELP gateway_prompt_tokens_total Prompt tokens processed.\n"
            + "# TYPE gateway_prompt_tokens_total counter\n"
            + "gateway_prompt_tokens_total{model=\"a\"} 7\n"
            + "gateway_prompt_tokens_total{model=\"b\"} 1\n"
            + ExporterFixture.DroppedFamilyHeader,
            fixture.Scrape());
    }

    [Fact]
    public void UpDownCounter_is_a_gauge_of_the_running_sum()
    {
        using var fixture = new ExporterFixture();
        var running = fixture.Meter.CreateUpDownCounter<int>("gateway_num_requests_running", "{request}", "Running requests.");
        running.Add(5, ModelA);
        running.Add(-2, ModelA);

        Assert.Equal(
            "# HELP gateway_num_requests_running Running requests.\n"
            + "# TYPE gateway_num_requests_running gauge\n"
            + "gateway_num_requests_running{model=\"a\"} 3\n"
            + ExporterFixture.DroppedFamilyHeader,
            fixture.Scrape());
    }

    [Fact]
    public void Gauge_keeps_the_last_value()
    {
        using var fixture = new ExporterFixture();
        var usage = fixture.Meter.CreateGauge<double>("gateway_kv_cache_usage_ratio", "1", "KV cache blocks in use.");
        usage.Record(0.25, ModelA);
        usage.Record(0.5, ModelA);

        Assert.Equal(
            "# HELP gateway_kv_cache_usage_ratio KV cache blocks in use.\n"
            + "# TYPE gateway_kv_cache_usage_ratio gauge\n"
            + "gateway_kv_cache_usage_ratio{model=\"a\"} 0.5\n"
            + ExporterFixture.DroppedFamilyHeader,
            fixture.Scrape());
    }

    [Fact]
    public void Observable_instruments_report_their_callback_values_at_each_scrape()
    {
        using var fixture = new ExporterFixture();
        long total = 10;
        var waiting = 2;
        var depth = 7.5;
        fixture.Meter.CreateObservableCounter("cache.queries", () => new Measurement<long>(total, ModelA), "{query}", "Queries.");
        fixture.Meter.CreateObservableGauge("queue.depth", () => depth, "{request}", "Depth.");
        fixture.Meter.CreateObservableUpDownCounter("requests.waiting", () => waiting, "{request}", "Waiting.");

        const string Expected =
            "# HELP cache_queries_total Queries.\n"
            + "# TYPE cache_queries_total counter\n"
            + "cache_queries_total{model=\"a\"} {0}\n"
            + "# HELP queue_depth Depth.\n"
            + "# TYPE queue_depth gauge\n"
            + "queue_depth {1}\n"
            + "# HELP requests_waiting Waiting.\n"
            + "# TYPE requests_waiting gauge\n"
            + "requests_waiting {2}\n"
            + ExporterFixture.DroppedFamilyHeader;
        Assert.Equal(Format(Expected, "10", "7.5", "2"), fixture.Scrape());

        // Observed counters are cumulative: the new observation replaces the old one rather than adding to it.
        total = 15;
        waiting = 1;
        depth = 0;
        Assert.Equal(Format(Expected, "15", "0", "1"), fixture.Scrape());
    }

    [Fact]
    public void Histogram_with_advice_writes_cumulative_buckets_sum_and_count()
    {
        using var fixture = new ExporterFixture();
        var histogram = fixture.Meter.CreateHistogram<double>(
            "gateway_time_to_first_token_seconds", "s", "Time to first token.", tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5] });
        foreach (var value in new[] { 0.5, 1, 3, 10 })
        {
            histogram.Record(value, ModelA);
        }

        Assert.Equal(
            "# HELP gateway_time_to_first_token_seconds Time to first token.\n"
            + "# TYPE gateway_time_to_first_token_seconds histogram\n"
            + "gateway_time_to_first_token_seconds_sum{model=\"a\"} 14.5\n"
            + "gateway_time_to_first_token_seconds_count{model=\"a\"} 4\n"
            + "gateway_time_to_first_token_seconds_bucket{model=\"a\",le=\"1\"} 2\n"
            + "gateway_time_to_first_token_seconds_bucket{model=\"a\",le=\"2\"} 2\n"
            + "gateway_time_to_first_token_seconds_bucket{model=\"a\",le=\"5\"} 3\n"
            + "gateway_time_to_first_token_seconds_bucket{model=\"a\",le=\"+Inf\"} 4\n"
            + ExporterFixture.DroppedFamilyHeader,
            fixture.Scrape());
    }

    [Fact]
    public void Histogram_without_advice_uses_the_llm_latency_defaults_and_stays_cumulative()
    {
        using var fixture = new ExporterFixture();
        var histogram = fixture.Meter.CreateHistogram<double>("step", "s", "Step.");
        var values = new[] { 0.001, 0.07, 0.3, 0.3, 2.5, 79, 81 };
        foreach (var value in values)
        {
            histogram.Record(value);
        }

        var buckets = fixture.Scrape().Split('\n')
            .Where(line => line.StartsWith("step_seconds_bucket{", StringComparison.Ordinal))
            .Select(ParseBucket)
            .ToList();

        Assert.Equal([.. GatewayHistogramBuckets.LatencySeconds, double.PositiveInfinity], buckets.Select(b => b.Le));
        for (var i = 0; i < buckets.Count; i++)
        {
            var expected = values.Count(v => v <= buckets[i].Le);
            Assert.Equal(expected, buckets[i].Count);
        }
    }

    [Fact]
    public void Integer_histogram_advice_is_honoured()
    {
        using var fixture = new ExporterFixture();
        var histogram = fixture.Meter.CreateHistogram<int>(
            "gateway_engine_batch_size", "{sequence}", "Batch.", tags: null,
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4] });
        histogram.Record(3);

        var text = fixture.Scrape();
        Assert.Contains("gateway_engine_batch_size_bucket{le=\"2\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("gateway_engine_batch_size_bucket{le=\"4\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("gateway_engine_batch_size_count 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Label_values_escape_backslash_quote_and_newline_and_help_escapes_backslash_and_newline()
    {
        using var fixture = new ExporterFixture();
        var counter = fixture.Meter.CreateCounter<long>("escaped", unit: null, description: "Line one\\two\nthree \"quoted\"");
        counter.Add(1, new KeyValuePair<string, object?>("tenant.id", "a\\b\"c\nd"));

        Assert.Equal(
            "# HELP escaped_total Line one\\\\two\\nthree \"quoted\"\n"
            + "# TYPE escaped_total counter\n"
            + "escaped_total{tenant_id=\"a\\\\b\\\"c\\nd\"} 1\n"
            + ExporterFixture.DroppedFamilyHeader,
            fixture.Scrape());
    }

    [Fact]
    public void Tags_in_a_different_order_are_the_same_series()
    {
        using var fixture = new ExporterFixture();
        var counter = fixture.Meter.CreateCounter<long>("gateway_requests_total");
        counter.Add(1, new("status", "200"), new("model", "m"), new("tenant", "t"));
        counter.Add(1, new("tenant", "t"), new("status", "200"), new("model", "m"));

        Assert.Contains(
            "gateway_requests_total{model=\"m\",status=\"200\",tenant=\"t\"} 2\n", fixture.Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public void Non_string_tag_values_render_invariantly()
    {
        using var fixture = new ExporterFixture();
        var counter = fixture.Meter.CreateCounter<double>("things", "{thing}");
        counter.Add(0.5, new("code", 429), new("ok", false), new("ratio", 1.5));

        Assert.Contains("things_total{code=\"429\",ok=\"false\",ratio=\"1.5\"} 0.5\n", fixture.Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public void Meters_outside_the_configured_prefixes_are_ignored()
    {
        using var fixture = new ExporterFixture();
        using var other = new Meter("Unrelated." + Guid.NewGuid().ToString("N"));
        other.CreateCounter<long>("ignored").Add(1);

        Assert.Equal(ExporterFixture.DroppedFamilyHeader, fixture.Scrape());
    }

    [Fact]
    public void Concurrent_recording_loses_no_increment()
    {
        using var fixture = new ExporterFixture();
        var counter = fixture.Meter.CreateCounter<double>("spins");
        var histogram = fixture.Meter.CreateHistogram<double>("waits", "s");
        const int Threads = 4;
        const int PerThread = 20_000;

        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, _ =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                counter.Add(0.5, ModelA);
                histogram.Record(0.02, ModelA);
            }
        });

        var text = fixture.Scrape();
        Assert.Contains("spins_total{model=\"a\"} 40000\n", text, StringComparison.Ordinal);
        Assert.Contains("waits_seconds_count{model=\"a\"} 80000\n", text, StringComparison.Ordinal);
        Assert.Contains("waits_seconds_bucket{model=\"a\",le=\"0.025\"} 80000\n", text, StringComparison.Ordinal);
        Assert.Contains("waits_seconds_bucket{model=\"a\",le=\"0.01\"} 0\n", text, StringComparison.Ordinal);
    }

    private static string Format(string template, params string[] values)
    {
        var text = template;
        for (var i = 0; i < values.Length; i++)
        {
            text = text.Replace("{" + i + "}", values[i], StringComparison.Ordinal);
        }

        return text;
    }

    private static (double Le, long Count) ParseBucket(string line)
    {
        var leStart = line.IndexOf("le=\"", StringComparison.Ordinal) + 4;
        var leEnd = line.IndexOf('"', leStart);
        var le = line[leStart..leEnd] == "+Inf"
            ? double.PositiveInfinity
            : double.Parse(line[leStart..leEnd], System.Globalization.CultureInfo.InvariantCulture);
        var count = long.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        return (le, count);
    }
}

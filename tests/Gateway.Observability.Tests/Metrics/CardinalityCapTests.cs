namespace Gateway.Observability.Tests.Metrics;

public sealed class CardinalityCapTests
{
    [Fact]
    public void Tag_sets_beyond_the_cap_fold_into_one_overflow_series_and_are_counted()
    {
        using var fixture = new ExporterFixture(maxSeries: 2);
        var counter = fixture.Meter.CreateCounter<long>("gateway_rate_limited_total");
        foreach (var tenant in new[] { "a", "b", "c", "d", "c", "a" })
        {
            counter.Add(1, new("tenant", tenant), new("limit", "tokens"));
        }

        Assert.Equal(
            "# HELP gateway_rate_limited_total gateway_rate_limited_total\n"
            + "# TYPE gateway_rate_limited_total counter\n"
            + "gateway_rate_limited_total{limit=\"tokens\",tenant=\"a\"} 2\n"
            + "gateway_rate_limited_total{limit=\"tokens\",tenant=\"b\"} 1\n"
            + "gateway_rate_limited_total{limit=\"__overflow__\",tenant=\"__overflow__\"} 3\n"
            + ExporterFixture.DroppedFamilyHeader
            + "gateway_metrics_series_dropped_total{metric=\"gateway_rate_limited_total\"} 3\n",
            fixture.Scrape());
    }

    [Fact]
    public void Histograms_fold_too()
    {
        using var fixture = new ExporterFixture(maxSeries: 1);
        var histogram = fixture.Meter.CreateHistogram<double>("gateway_e2e_request_latency_seconds", "s");
        histogram.Record(1, new KeyValuePair<string, object?>("model", "a"));
        histogram.Record(2, new KeyValuePair<string, object?>("model", "b"));
        histogram.Record(3, new KeyValuePair<string, object?>("model", "c"));

        var text = fixture.Scrape();
        Assert.Contains("gateway_e2e_request_latency_seconds_count{model=\"__overflow__\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("gateway_e2e_request_latency_seconds_sum{model=\"__overflow__\"} 5\n", text, StringComparison.Ordinal);
        Assert.Contains("gateway_e2e_request_latency_seconds_count{model=\"a\"} 1\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("model=\"b\"", text, StringComparison.Ordinal);
    }
}

namespace Gateway.Observability.Tests.Metrics;

public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task Scrape_over_kestrel_returns_parseable_text_with_our_and_aspnetcore_metrics()
    {
        await using var host = await MetricsTestHost.StartAsync();
        using var meter = host.CreateMeter();
        meter.CreateCounter<long>("gateway_generation_tokens_total").Add(42, new KeyValuePair<string, object?>("model", "m"));
        Assert.Equal("hi", await host.Client.GetStringAsync(new Uri("/hello", UriKind.Relative)));

        using var response = await host.Client.GetAsync(new Uri("/metrics", UriKind.Relative));

        response.EnsureSuccessStatusCode();
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var samples = ExpositionParser.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(42, samples["gateway_generation_tokens_total{model=\"m\"}"]);
        // The ASP.NET Core hosting histogram of the /hello request, renamed and with its advised buckets.
        Assert.Contains(samples.Keys, key =>
            key.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal)
            && key.Contains("http_route=\"/hello\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Measurements_made_before_the_first_scrape_are_kept()
    {
        await using var host = await MetricsTestHost.StartAsync();
        using var meter = host.CreateMeter();
        var rejections = meter.CreateCounter<long>("gateway_queue_rejections_total");
        rejections.Add(1, new KeyValuePair<string, object?>("reason", "full"));
        rejections.Add(1, new KeyValuePair<string, object?>("reason", "full"));

        var samples = ExpositionParser.Parse(await host.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative)));

        Assert.Equal(2, samples["gateway_queue_rejections_total{reason=\"full\"}"]);
    }
}

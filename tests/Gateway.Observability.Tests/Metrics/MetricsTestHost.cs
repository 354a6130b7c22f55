using Gateway.Observability;
using System.Diagnostics.Metrics;
using Gateway.Observability.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Observability.Tests.Metrics;

/// <summary>A real Kestrel host on an ephemeral loopback port with the metrics endpoint mapped.</summary>
internal sealed class MetricsTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private MetricsTestHost(WebApplication app, string meterName, HttpClient client)
    {
        _app = app;
        MeterName = meterName;
        Client = client;
    }

    /// <summary>Unique per host and exported in addition to the default prefixes.</summary>
    public string MeterName { get; }

    public HttpClient Client { get; }

    public static async Task<MetricsTestHost> StartAsync(int maxSeries = 1000)
    {
        var meterName = "Test.Endpoint." + Guid.NewGuid().ToString("N");
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddGatewayMetrics(options =>
        {
            options.MeterNamePrefixes.Add(meterName);
            options.MaxSeriesPerInstrument = maxSeries;
        });

        var app = builder.Build();
        app.MapPrometheusMetrics("/metrics");
        app.MapGet("/hello", () => Results.Text("hi"));
        await app.StartAsync();
        var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        return new MetricsTestHost(app, meterName, client);
    }

    public Meter CreateMeter() => new(MeterName);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

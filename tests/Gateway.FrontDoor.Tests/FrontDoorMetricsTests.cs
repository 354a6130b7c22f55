using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Gateway.FrontDoor.Auth;
using Gateway.FrontDoor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.FrontDoor.Tests;

public sealed class FrontDoorMetricsTests
{
    [Fact]
    public async Task Requests_and_rate_limits_are_counted_with_bounded_labels()
    {
        await using var host = await FrontDoorTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["FrontDoor:Auth:Enabled"] = "true",
            ["FrontDoor:Auth:Keys:0:Hash"] = ApiKeyHasher.HashToHex("sk-known"),
            ["FrontDoor:Auth:Keys:0:Tenant"] = "known",
            ["FrontDoor:Tenants:known:RequestsPerMinute"] = "1",
            ["FrontDoor:Auth:Keys:1:Hash"] = ApiKeyHasher.HashToHex("sk-adhoc"),
            ["FrontDoor:Auth:Keys:1:Tenant"] = "adhoc-tenant-from-a-key-file",
        });

        // Other tests run hosts in parallel; only this host's meter factory counts.
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        var recorded = new ConcurrentQueue<(string Instrument, Dictionary<string, string?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Gateway.FrontDoor" && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            var copy = new Dictionary<string, string?>();
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value?.ToString();
            }

            recorded.Enqueue((instrument.Name, copy));
        });
        listener.Start();

        (await host.Client.SendAsync(FrontDoorTestHost.ChatRequest("sk-known", model: "made-up-model"))).Dispose();
        (await host.Client.SendAsync(FrontDoorTestHost.ChatRequest("sk-known"))).Dispose();
        (await host.Client.SendAsync(FrontDoorTestHost.ChatRequest("sk-adhoc"))).Dispose();
        (await host.Client.SendAsync(FrontDoorTestHost.ChatRequest("sk-wrong"))).Dispose();

        var requests = recorded.Where(r => r.Instrument == "gateway_requests_total").Select(r => r.Tags).ToList();
        Assert.Contains(requests, t => t["status"] == "200" && t["tenant"] == "known" && t["model"] == "other");
        Assert.Contains(requests, t => t["status"] == "429" && t["tenant"] == "known");
        Assert.Contains(requests, t => t["status"] == "200" && t["tenant"] == "other");
        Assert.Contains(requests, t => t["status"] == "401" && t["tenant"] == "none");
        var limited = Assert.Single(recorded, r => r.Instrument == "gateway_rate_limited_total").Tags;
        Assert.Equal("known", limited["tenant"]);
        Assert.Equal("requests", limited["limit"]);
    }
}

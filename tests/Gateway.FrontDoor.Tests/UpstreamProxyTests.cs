using System.Net;
using Gateway.FrontDoor.Auth;
using Gateway.FrontDoor.Routing;
using Gateway.FrontDoor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.FrontDoor.Tests;

public sealed class UpstreamProxyTests
{
    private const string ClientKey = "sk-client-key";

    private static Dictionary<string, string?> ProxyConfig(string interval, params FakeOpenAiUpstream[] upstreams)
    {
        var config = new Dictionary<string, string?>
        {
            ["FrontDoor:Auth:Enabled"] = "true",
            ["FrontDoor:Auth:Keys:0:Hash"] = ApiKeyHasher.HashToHex(ClientKey),
            ["FrontDoor:Auth:Keys:0:Tenant"] = "acme",
            ["FrontDoor:Clusters:remote:Models:0"] = "remote-model",
            ["FrontDoor:Clusters:remote:ApiKey"] = "upstream-secret",
            ["FrontDoor:Clusters:remote:HealthCheck:Interval"] = interval,
            ["FrontDoor:Clusters:remote:LoadBalancing"] = "LeastRequests",
        };
        for (var i = 0; i < upstreams.Length; i++)
        {
            config[$"FrontDoor:Clusters:remote:Destinations:d{i}:Address"] = upstreams[i].Address;
        }

        return config;
    }

    [Fact]
    public async Task Streaming_response_passes_through_before_the_upstream_finishes()
    {
        await using var upstream = await FakeOpenAiUpstream.StartAsync();
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        upstream.HoldFinalChunk = hold;
        await using var host = await FrontDoorTestHost.StartAsync(ProxyConfig("00:00:05", upstream));

        using var request = FrontDoorTestHost.ChatRequest(ClientKey, model: "remote-model");
        using var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.Contains("x-ratelimit-limit-requests"));

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        // The upstream is still holding its last chunk, so this line can only arrive if the proxy did not buffer.
        var first = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("Hel", first, StringComparison.Ordinal);
        Assert.False(hold.Task.IsCompleted);

        hold.SetResult();
        var rest = await reader.ReadToEndAsync();
        Assert.Contains("[DONE]", rest, StringComparison.Ordinal);
        Assert.Equal("Bearer upstream-secret", upstream.LastAuthorization);
    }

    [Fact]
    public async Task Local_models_stay_in_process()
    {
        await using var upstream = await FakeOpenAiUpstream.StartAsync();
        await using var host = await FrontDoorTestHost.StartAsync(ProxyConfig("00:00:05", upstream));
        using var response = await host.Client.SendAsync(FrontDoorTestHost.ChatRequest(ClientKey, model: "local-model"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("received", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, upstream.Requests);

        var catalog = host.Services.GetRequiredService<IUpstreamModelCatalog>();
        Assert.Equal(new UpstreamModel("remote-model", "remote"), Assert.Single(catalog.Models));
    }

    [Fact]
    public async Task A_killed_upstream_is_retried_around_and_taken_out_by_health_checks()
    {
        await using var alive = await FakeOpenAiUpstream.StartAsync();
        await using var doomed = await FakeOpenAiUpstream.StartAsync();
        await using var host = await FrontDoorTestHost.StartAsync(ProxyConfig("00:00:00.200", doomed, alive));
        var cluster = host.Services.GetRequiredService<UpstreamClusterRegistry>().FindCluster("remote-model")!;

        await doomed.StopAsync();
        var servedByDoomedBefore = doomed.Requests;

        // Right after the kill, connect failures are retried on the other destination: the client sees no error.
        for (var i = 0; i < 10; i++)
        {
            using var response = await host.Client.SendAsync(FrontDoorTestHost.ChatRequest(ClientKey, model: "remote-model"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("[DONE]", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (cluster.Destinations[0].ActiveHealthy && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.False(cluster.Destinations[0].ActiveHealthy);
        Assert.True(cluster.Destinations[1].ActiveHealthy);
        Assert.Equal(servedByDoomedBefore, doomed.Requests);
        Assert.Equal(10, alive.Requests);
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Tests.Hosting;

/// <summary>
/// Two gateway processes: B serves a model of its own; A's front door routes that model to B as an upstream cluster,
/// streams B's answer through without buffering, lists B's model, and takes B out once it dies.
/// </summary>
public sealed class UpstreamClusterTests
{
    [Fact]
    public async Task Front_door_routes_a_model_to_another_gateway_and_streams_through()
    {
        using var upstream = await GatewayServerProcess.StartAsync("--Model:Name=stories-b", "--Admission:Enabled=false");
        using var front = await GatewayServerProcess.StartAsync(
            "--FrontDoor:Clusters:b:Models:0=stories-b",
            $"--FrontDoor:Clusters:b:Destinations:d1:Address={upstream.BaseAddress}",
            "--FrontDoor:Clusters:b:HealthCheck:Interval=00:00:01",
            "--FrontDoor:Clusters:b:HealthCheck:Timeout=00:00:01");
        using var http = new HttpClient { BaseAddress = front.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

        var models = JsonDocument.Parse(await http.GetStringAsync("/v1/models")).RootElement.GetProperty("data")
            .EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Contains("stories260K", models);
        Assert.Contains("stories-b", models);

        // The first request through A pays for A's connection to B and both processes' first-call JIT; keep that out
        // of the timing below.
        using (var warm = await http.PostAsJsonAsync("/v1/completions", new { model = "stories-b", prompt = "Once", max_tokens = 4 }))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        // Streamed through A: the first event must arrive long before B has finished generating. ignore_eos keeps
        // the generation long enough (stories260K may end early at temperature 0) that buffering would show.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
        {
            Content = JsonContent.Create(new { model = "stories-b", prompt = "", max_tokens = 500, temperature = 0, ignore_eos = true, stream = true }),
        };
        var clock = Stopwatch.StartNew();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var first = await reader.ReadLineAsync();
        var firstAt = clock.Elapsed;
        var rest = await reader.ReadToEndAsync();
        var total = clock.Elapsed;
        Assert.StartsWith("data: ", first, StringComparison.Ordinal);
        Assert.Contains("\"model\":\"stories-b\"", first, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", rest, StringComparison.Ordinal);
        Assert.True(firstAt < total / 2, $"first event after {firstAt.TotalMilliseconds:F0} ms of {total.TotalMilliseconds:F0} ms: the proxy buffered");

        // Kill B: A must stop routing to it (health checks) and answer quickly instead of hanging.
        upstream.Dispose();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        HttpStatusCode status;
        do
        {
            await Task.Delay(500);
            using var afterDeath = await http.PostAsJsonAsync("/v1/completions", new { model = "stories-b", prompt = "x", max_tokens = 2 });
            status = afterDeath.StatusCode;
        }
        while (status == HttpStatusCode.OK && DateTime.UtcNow < deadline);
        Assert.True(status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway, $"got {(int)status}");

        // The local model is unaffected.
        using var local = await http.PostAsJsonAsync("/v1/completions", new { model = "stories260K", prompt = "Once", max_tokens = 4 });
        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
    }
}

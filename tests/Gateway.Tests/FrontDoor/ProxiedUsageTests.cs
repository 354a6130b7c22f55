using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.Tests.Hosting;

namespace Gateway.Tests.FrontDoor;

/// <summary>
/// A request the front door forwards to an upstream gateway is charged the tokens the upstream really used (read from
/// the response's or the stream's <c>usage</c>), not the reservation taken at admission.
/// </summary>
public sealed partial class ProxiedUsageTests
{
    private const string DebugSettlement = "--Logging:LogLevel:Gateway.FrontDoor.RateLimiting.TokenUsageReporter=Debug";

    [Fact]
    public async Task Proxied_requests_are_charged_the_upstreams_real_usage_streamed_or_not()
    {
        using var upstream = await GatewayServerProcess.StartAsync("--Model:Name=stories-b", "--Admission:Enabled=false", DebugSettlement);
        using var front = await GatewayServerProcess.StartAsync(
            "--FrontDoor:Clusters:b:Models:0=stories-b",
            $"--FrontDoor:Clusters:b:Destinations:d1:Address={upstream.BaseAddress}",
            DebugSettlement);
        using var http = new HttpClient { BaseAddress = front.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };

        // Not streamed: the charge is the usage in the answer.
        using (var response = await http.PostAsJsonAsync("/v1/completions",
            new { model = "stories-b", prompt = "Once upon a time", max_tokens = 40, temperature = 0 }))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var total = body.RootElement.GetProperty("usage").GetProperty("total_tokens").GetInt32();
            Assert.Equal(total, (await SettlementsAsync(front, 1))[0].Used);
        }

        // Streamed, the client asking for usage: the charge is the final chunk's usage.
        var events = await StreamAsync(http, new { model = "stories-b", prompt = "Once", max_tokens = 30, stream = true, stream_options = new { include_usage = true } });
        var usageChunk = Assert.Single(events, e => e.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object);
        Assert.Equal(usageChunk.GetProperty("usage").GetProperty("total_tokens").GetInt32(), (await SettlementsAsync(front, 2))[1].Used);

        // Streamed, the client not asking: the front door asked on its behalf, charged what the upstream itself counted,
        // and kept the usage chunk from the client.
        events = await StreamAsync(http, new { model = "stories-b", prompt = "The dog", max_tokens = 30, stream = true });
        Assert.DoesNotContain(events, e => e.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object);
        Assert.NotEmpty(events);
        var upstreamCount = (await SettlementsAsync(upstream, 3))[2].Used;
        var frontSettlement = (await SettlementsAsync(front, 3))[2];
        Assert.Equal(upstreamCount, frontSettlement.Used);
        Assert.NotEqual(frontSettlement.Reserved, frontSettlement.Used);
    }

    private static async Task<List<JsonElement>> StreamAsync(HttpClient http, object body)
    {
        using var response = await http.PostAsJsonAsync("/v1/completions", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.EndsWith("data: [DONE]\n\n", text, StringComparison.Ordinal);
        return text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(static e => e.StartsWith("data: {", StringComparison.Ordinal))
            .Select(static e => JsonDocument.Parse(e["data: ".Length..]).RootElement.Clone())
            .ToList();
    }

    /// <summary>
    /// The process's settlements for client requests so far (the start-up warm-up's, under its own tenant, left out),
    /// waiting (generously) until at least <paramref name="count"/> are logged.
    /// </summary>
    private static async Task<List<(int Used, int Reserved)>> SettlementsAsync(GatewayServerProcess process, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var found = SettlementLine().Matches(process.Log)
                .Select(static m => (int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
                    int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)))
                .ToList();
            if (found.Count >= count)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, $"expected {count} settlements in the log:\n{process.Log}");
            await Task.Delay(100);
        }
    }

    [GeneratedRegex(@"Tenant (?!gateway-internal )\S+ used (\d+) tokens \((\d+) were reserved\)")]
    private static partial Regex SettlementLine();
}

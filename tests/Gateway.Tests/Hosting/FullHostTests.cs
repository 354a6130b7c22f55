using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Tests.Hosting;

/// <summary>The composed executable: front door, API, serving, engine and metrics in one process.</summary>
public sealed class FullHostTests
{
    [Fact]
    public async Task Serves_completions_and_exposes_metrics_for_them()
    {
        using var server = await GatewayServerProcess.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var response = await http.PostAsJsonAsync("/v1/completions", new { model = "stories260K", prompt = "", max_tokens = 60, temperature = 0 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("choices")[0].GetProperty("text").GetString();
        Assert.StartsWith(" Once upon a time, there was a little girl named Lily.", text, StringComparison.Ordinal);
        Assert.True(response.Headers.Contains("x-ratelimit-limit-requests"));

        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("# TYPE gateway_time_to_first_token_seconds histogram", metrics, StringComparison.Ordinal);
        Assert.Contains("gateway_generation_tokens_total{", metrics, StringComparison.Ordinal);
        Assert.Contains("gateway_requests_total{", metrics, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds_bucket", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_keys_are_enforced_when_configured()
    {
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("sk-tenant-a"u8));
        using var server = await GatewayServerProcess.StartAsync(
            "--FrontDoor:Auth:Enabled=true", $"--FrontDoor:Auth:Keys:0:Hash={hash}", "--FrontDoor:Auth:Keys:0:Tenant=team-a");
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var body = new { model = "stories260K", prompt = "Once", max_tokens = 4 };
        using (var anonymous = await http.PostAsJsonAsync("/v1/completions", body))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Contains("invalid_api_key", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var authorized = new HttpRequestMessage(HttpMethod.Post, "/v1/completions") { Content = JsonContent.Create(body) };
        authorized.Headers.Authorization = new("Bearer", "sk-tenant-a");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(authorized)).StatusCode);

        // Before ready, the gateway warmed its own HTTP path through auth with its internal key: every warm-up request
        // succeeded, and they are counted under their own tenant, not a client's.
        Assert.Contains("HTTP warm-up sent 16 requests", server.Log, StringComparison.Ordinal);
        Assert.Contains("(0 failed)", server.Log, StringComparison.Ordinal);
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Matches("gateway_requests_total\\{[^}]*tenant=\"gateway-internal\"", metrics);
    }
}

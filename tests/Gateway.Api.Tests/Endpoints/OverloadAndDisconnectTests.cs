using System.Net;
using System.Net.Http.Json;
using Gateway.Api.Tests.Infrastructure;

namespace Gateway.Api.Tests.Endpoints;

/// <summary>Overload is answered at once with 503 + Retry-After; a client that leaves frees its sequence.</summary>
public sealed class OverloadAndDisconnectTests
{
    [Fact]
    public async Task Full_queue_answers_503_with_retry_after_and_admitted_requests_still_finish()
    {
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["Serving:MaxWaitingRequests"] = "1",
            ["Serving:MaxRunningSequences"] = "1",
            ["Admission:Enabled"] = "false",
        });
        var requests = Enumerable.Range(0, 8).Select(_ => server.Http.PostAsJsonAsync("/v1/completions",
            new { model = GatewayServer.ModelName, prompt = "Once upon a time", max_tokens = 200, temperature = 0 })).ToList();
        var responses = await Task.WhenAll(requests);

        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.NotEmpty(refused);
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
        foreach (var response in refused)
        {
            Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "503 without Retry-After");
            var error = await RawHttpTests.AssertError(response, HttpStatusCode.ServiceUnavailable, "server_error");
            Assert.Equal("queue_full", error.GetProperty("code").GetString());
        }

        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK && r.StatusCode != HttpStatusCode.ServiceUnavailable),
            r => Assert.Fail($"unexpected status {(int)r.StatusCode}"));
    }

    [Fact]
    public async Task Client_disconnecting_mid_stream_frees_its_kv_blocks()
    {
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?> { ["Serving:EnablePrefixCaching"] = "false" });
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
        {
            // ignore_eos: a story that ended on its own before the assertion below would read as Running == 0.
            Content = JsonContent.Create(new { model = GatewayServer.ModelName, prompt = "Once upon a time", max_tokens = 400, stream = true, ignore_eos = true }),
        })
        using (var response = await server.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            var stream = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[256];
            Assert.True(await stream.ReadAsync(buffer) > 0);
            Assert.Equal(1, server.Generation.Snapshot().Running);
        }

        // The response is disposed: the connection closes and the scheduler must drop the sequence at its next step.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline && (server.Generation.Snapshot().Running > 0 || server.Generation.Snapshot().KvBlocksUsed > 0))
        {
            await Task.Delay(50);
        }

        var snapshot = server.Generation.Snapshot();
        Assert.Equal(0, snapshot.Running);
        Assert.Equal(0, snapshot.KvBlocksUsed);
        Assert.Equal(snapshot.KvBlocksTotal, snapshot.KvBlocksFree + snapshot.KvBlocksCached);
    }
}

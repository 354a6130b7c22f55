using System.Net;
using System.Net.Http.Json;

namespace Gateway.Tests.Hosting;

/// <summary>A rolling deploy must not cut streams: SIGTERM lets in-flight streams finish and refuses new work.</summary>
public sealed class GracefulDrainTests
{
    [Fact]
    public async Task Sigterm_during_twenty_streams_lets_every_stream_finish()
    {
        using var server = await GatewayServerProcess.StartAsync("--Drain:TimeoutSeconds=60", "--Admission:Enabled=false");
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        var firstChunks = new CountdownEvent(20);
        var streams = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
            {
                // Long enough (500 tokens, no early stop) to still run well after the signal: 200 tokens of this model
                // once finished within the 300 ms the late request waited, and the gateway had exited before it came.
                Content = JsonContent.Create(new { model = "stories260K", prompt = "Once upon a time", max_tokens = 500, temperature = 0, ignore_eos = true, stream = true }),
            };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            var events = new List<string>();
            var signalled = false;
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    events.Add(line);
                    if (!signalled)
                    {
                        signalled = true;
                        firstChunks.Signal();
                    }
                }
            }

            return events;
        })).ToList();

        Assert.True(firstChunks.Wait(TimeSpan.FromSeconds(60)), "streams did not start");
        server.SendSigterm();

        // The signal is handled asynchronously: a request that arrives before the drain starts is still served, one
        // after it is refused.
        var refusedBy = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            using var late = await http.PostAsJsonAsync("/v1/completions", new { model = "stories260K", prompt = "late", max_tokens = 1 });
            if (late.StatusCode == HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > refusedBy)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, late.StatusCode);
                Assert.NotNull(late.Headers.RetryAfter);
                break;
            }

            await Task.Delay(20);
        }

        foreach (var events in await Task.WhenAll(streams))
        {
            Assert.Equal("data: [DONE]", events[^1]);
            Assert.Contains(events, e => e.Contains("\"finish_reason\":\"length\"", StringComparison.Ordinal));
        }

        Assert.True(server.WaitForExit(TimeSpan.FromSeconds(60)), "gateway did not exit after draining");
        Assert.Equal(0, server.ExitCode);
    }

    [Fact]
    public async Task Readiness_turns_503_while_draining()
    {
        using var server = await GatewayServerProcess.StartAsync("--Drain:TimeoutSeconds=5");
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
        // Streams keep the listener open during the drain; stories260K is fast enough to finish one 400-token stream in
        // a fraction of a second, so several run and readiness is polled right after the signal, not after a fixed pause.
        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++)
        {
            using var streaming = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
            {
                Content = JsonContent.Create(new { model = "stories260K", prompt = "Once", max_tokens = 400, stream = true }),
            };
            responses.Add(await http.SendAsync(streaming, HttpCompletionOption.ResponseHeadersRead));
        }

        server.SendSigterm();
        HttpStatusCode? seen = null;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (seen != HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline)
        {
            try
            {
                seen = (await http.GetAsync("/readyz")).StatusCode;
            }
            catch (HttpRequestException)
            {
                break; // the drain ended and the listener closed before a 503 was seen
            }
        }

        responses.ForEach(r => r.Dispose());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, seen);
    }
}

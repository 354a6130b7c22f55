using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Gateway.FrontDoor.Tests.Infrastructure;
using Gateway.Tests.Hosting;

namespace Gateway.Tests.FrontDoor;

/// <summary>
/// Two gateway processes sharing one real redis-server, a tenant allowed 4 concurrent requests, and streams that
/// stay open (an upstream holds their last chunk): the 4 are counted across both replicas, and the leases of a replica
/// that is killed mid-stream free themselves once their expiry passes.
/// </summary>
public sealed class GlobalConcurrencyTests
{
    private const int Limit = 4;

    [SkippableFact]
    public async Task Four_concurrent_streams_across_two_replicas_and_a_killed_replicas_leases_expire()
    {
        using var redis = RedisServer.StartOrSkip();
        await using var upstream = await FakeOpenAiUpstream.StartAsync();
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        upstream.HoldFinalChunk = hold;
        string[] args =
        [
            $"--FrontDoor:Redis:Configuration={redis.ConnectionString}",
            // Generous for a loaded CI box: a Redis call that timed out would be decided by the local share instead.
            "--FrontDoor:Redis:Timeout=00:00:03",
            "--FrontDoor:Redis:LeaseDuration=00:00:05",
            "--FrontDoor:ExpectedReplicas=2",
            $"--FrontDoor:DefaultTenant:MaxConcurrentRequests={Limit.ToString(CultureInfo.InvariantCulture)}",
            "--FrontDoor:Clusters:slow:Models:0=slow-model",
            $"--FrontDoor:Clusters:slow:Destinations:d1:Address={upstream.Address}",
        ];
        var a = await GatewayServerProcess.StartAsync(args);
        try
        {
            using var b = await GatewayServerProcess.StartAsync(args);
            using var httpA = new HttpClient { BaseAddress = a.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
            using var httpB = new HttpClient { BaseAddress = b.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };

            // A served request on each replica has connected its Redis client: every decision below is Redis's.
            await WarmUpAsync(httpA);
            await WarmUpAsync(httpB);

            var open = new List<HttpResponseMessage>();
            try
            {
                // 2 + 2 admitted, then 8 more across both replicas: all refused, whichever replica they reach.
                foreach (var http in new[] { httpA, httpA, httpB, httpB })
                {
                    open.Add(await OpenStreamAsync(http) ?? throw new Xunit.Sdk.XunitException("a stream within the limit was refused"));
                }

                var extra = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => OpenStreamAsync(i % 2 == 0 ? httpA : httpB)));
                Assert.All(extra, Assert.Null);

                // Replica A dies with 2 streams open; its leases stay in Redis until they expire, then B may admit 2 more
                // (and not a third: B's own 2 are renewed while they run).
                a.Dispose();
                var admittedAfterKill = 0;
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
                while (admittedAfterKill < 2)
                {
                    Assert.True(DateTime.UtcNow < deadline, "the killed replica's leases never expired");
                    if (await OpenStreamAsync(httpB) is { } stream)
                    {
                        open.Add(stream);
                        admittedAfterKill++;
                    }
                    else
                    {
                        await Task.Delay(250);
                    }
                }

                Assert.Null(await OpenStreamAsync(httpB));

                // Streams that finish release their leases at once.
                hold.SetResult();
                foreach (var stream in open.Skip(2))
                {
                    Assert.EndsWith("data: [DONE]\n\n", await stream.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                }

                var after = await OpenStreamAsync(httpB);
                Assert.NotNull(after);
                after.Dispose();
            }
            finally
            {
                open.ForEach(static r => r.Dispose());
            }
        }
        finally
        {
            a.Dispose();
        }
    }

    private static async Task WarmUpAsync(HttpClient http)
    {
        using var response = await http.PostAsJsonAsync("/v1/completions", new { model = "stories260K", prompt = "Once", max_tokens = 1 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>The open response when admitted (its first event already read), null when refused with 429 + Retry-After.</summary>
    private static async Task<HttpResponseMessage?> OpenStreamAsync(HttpClient http)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new { model = "slow-model", stream = true, messages = new[] { new { role = "user", content = "hi" } } }),
        };
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Contains("concurrent", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            response.Dispose();
            return null;
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }
}

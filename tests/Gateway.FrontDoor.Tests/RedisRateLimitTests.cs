using System.Net;
using Gateway.FrontDoor.RateLimiting;
using Gateway.FrontDoor.Tenants;
using Gateway.FrontDoor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.FrontDoor.Tests;

/// <summary>Two front doors sharing one real redis-server, including an outage and a restart of that server.</summary>
public sealed class RedisRateLimitTests
{
    private const int RequestsPerMinute = 40;

    // The buckets refill at 40/min; a phase takes a few seconds at most, which the upper bounds allow for.
    private const int RefillSlack = 6;

    // On a loaded machine a call can miss the Redis timeout and be decided by the (already spent) local share; the
    // lower bounds of the global phases allow a few of those and stay far above the share of 20.
    private const int TimeoutSlack = 5;

    private static readonly TenantPolicy s_probe = new("probe", 0, 0, 0, 0, "probe");

    private static Dictionary<string, string?> Config(RedisServer redis) => new()
    {
        ["FrontDoor:Redis:Configuration"] = redis.ConnectionString,
        // Generous for a shared CI box; production keeps the 50 ms default.
        ["FrontDoor:Redis:Timeout"] = "00:00:00.500",
        ["FrontDoor:Redis:BreakDuration"] = "00:00:00.500",
        ["FrontDoor:Redis:MinimumThroughput"] = "2",
        ["FrontDoor:ExpectedReplicas"] = "2",
        ["FrontDoor:DefaultTenant:RequestsPerMinute"] = RequestsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["FrontDoor:DefaultTenant:TokensPerMinute"] = "0",
        ["FrontDoor:DefaultTenant:MaxConcurrentRequests"] = "0",
    };

    [SkippableFact]
    public async Task Two_replicas_share_one_limit_survive_an_outage_and_resume_global_limiting()
    {
        using var redis = RedisServer.StartOrSkip();
        await using var a = await FrontDoorTestHost.StartAsync(Config(redis));
        await using var b = await FrontDoorTestHost.StartAsync(Config(redis));
        await WaitForScopeAsync(a, RateLimitScope.Global);
        await WaitForScopeAsync(b, RateLimitScope.Global);

        // Global: 100 requests alternating between the replicas admit ~40 in total, not 2 x 40.
        var (globalAdmitted, _) = await SendAsync(100, a, b);
        Assert.InRange(globalAdmitted, RequestsPerMinute - TimeoutSlack, RequestsPerMinute + RefillSlack);

        // Outage: no 5xx, each replica enforces its share (40 / 2 replicas).
        redis.Kill();
        var (admittedA, _) = await SendAsync(50, a);
        var (admittedB, _) = await SendAsync(50, b);
        Assert.InRange(admittedA, RequestsPerMinute / 2, (RequestsPerMinute / 2) + RefillSlack);
        Assert.InRange(admittedB, RequestsPerMinute / 2, (RequestsPerMinute / 2) + RefillSlack);

        // Back: the fresh Redis has full buckets; one replica alone now gets the whole global limit, far above its share.
        redis.Start();
        await WaitForScopeAsync(a, RateLimitScope.Global);
        var (resumed, _) = await SendAsync(100, a);
        Assert.InRange(resumed, RequestsPerMinute - TimeoutSlack, RequestsPerMinute + RefillSlack);
    }

    [SkippableFact]
    public async Task A_replica_started_while_redis_is_down_limits_locally_then_joins_when_redis_appears()
    {
        using var redis = RedisServer.StartOrSkip();
        redis.Kill();
        await using var a = await FrontDoorTestHost.StartAsync(Config(redis));

        var (admitted, _) = await SendAsync(30, a);
        Assert.InRange(admitted, RequestsPerMinute / 2, (RequestsPerMinute / 2) + RefillSlack);

        redis.Start();
        await WaitForScopeAsync(a, RateLimitScope.Global);
        var (global, _) = await SendAsync(60, a);
        Assert.InRange(global, RequestsPerMinute - TimeoutSlack, RequestsPerMinute + RefillSlack);
    }

    [SkippableFact]
    public async Task Killing_and_restarting_redis_under_concurrent_load_never_yields_a_5xx()
    {
        using var redis = RedisServer.StartOrSkip();
        await using var a = await FrontDoorTestHost.StartAsync(Config(redis));
        await using var b = await FrontDoorTestHost.StartAsync(Config(redis));
        await WaitForScopeAsync(a, RateLimitScope.Global);

        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            var client = (i % 2 == 0 ? a : b).Client;
            while (!stop.IsCancellationRequested)
            {
                using var response = await client.SendAsync(FrontDoorTestHost.ChatRequest());
                statuses.Add(response.StatusCode);
            }
        })).ToArray();

        await WaitForCountAsync(statuses, 50);
        redis.Kill();
        await WaitForCountAsync(statuses, statuses.Count + 100);
        redis.Start();
        await WaitForScopeAsync(a, RateLimitScope.Global);
        await WaitForCountAsync(statuses, statuses.Count + 50);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.All(statuses, status => Assert.True(
            status is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"unexpected status {(int)status}"));
    }

    private static async Task WaitForCountAsync(System.Collections.Concurrent.ConcurrentBag<HttpStatusCode> statuses, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (statuses.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"load stalled at {statuses.Count} responses");
            await Task.Delay(10);
        }
    }

    private static async Task<(int Admitted, int Refused)> SendAsync(int count, params FrontDoorTestHost[] hosts)
    {
        var admitted = 0;
        var refused = 0;
        for (var i = 0; i < count; i++)
        {
            using var response = await hosts[i % hosts.Length].Client.SendAsync(FrontDoorTestHost.ChatRequest());
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    admitted++;
                    break;
                case HttpStatusCode.TooManyRequests:
                    Assert.NotNull(response.Headers.RetryAfter);
                    refused++;
                    break;
                default:
                    Assert.Fail($"unexpected {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    break;
            }
        }

        return (admitted, refused);
    }

    /// <summary>Polls with an unlimited probe tenant (touching no real bucket) until Redis decides again.</summary>
    private static async Task WaitForScopeAsync(FrontDoorTestHost host, RateLimitScope scope)
    {
        var limiter = host.Services.GetRequiredService<ITenantRateLimiter>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await limiter.TryAcquireAsync(s_probe, 0, CancellationToken.None)).Scope != scope)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the limiter did not reach scope {scope} within 30s");
            await Task.Delay(100);
        }
    }
}

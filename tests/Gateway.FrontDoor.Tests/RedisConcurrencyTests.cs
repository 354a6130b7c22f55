using System.Net;
using Gateway.FrontDoor.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StackExchange.Redis;

namespace Gateway.FrontDoor.Tests;

/// <summary>Concurrency leases in a real redis-server: shared by two front doors, swept once expired, local share without Redis.</summary>
public sealed class RedisConcurrencyTests
{
    private const string LeaseKey = "gateway:rl:{anonymous}:inflight";

    private static Dictionary<string, string?> Config(RedisServer redis, int limit) => new()
    {
        ["FrontDoor:Redis:Configuration"] = redis.ConnectionString,
        ["FrontDoor:Redis:Timeout"] = "00:00:02",
        ["FrontDoor:Redis:BreakDuration"] = "00:00:00.500",
        ["FrontDoor:Redis:MinimumThroughput"] = "2",
        ["FrontDoor:ExpectedReplicas"] = "2",
        ["FrontDoor:DefaultTenant:RequestsPerMinute"] = "0",
        ["FrontDoor:DefaultTenant:TokensPerMinute"] = "0",
        ["FrontDoor:DefaultTenant:MaxConcurrentRequests"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [SkippableFact]
    public async Task Two_front_doors_share_the_limit_and_a_finished_request_frees_its_lease()
    {
        using var redis = RedisServer.StartOrSkip();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var a = await FrontDoorTestHost.StartAsync(Config(redis, 2), mapEndpoints: app => MapHeld(app, gate));
        await using var b = await FrontDoorTestHost.StartAsync(Config(redis, 2), mapEndpoints: app => MapHeld(app, gate));

        var heldA = a.Client.SendAsync(FrontDoorTestHost.ChatRequest());
        var heldB = b.Client.SendAsync(FrontDoorTestHost.ChatRequest());
        await WaitForLeasesAsync(redis, 2);

        foreach (var host in new[] { a, b })
        {
            using var refused = await host.Client.SendAsync(FrontDoorTestHost.ChatRequest());
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
        }

        gate.SetResult();
        Assert.Equal(HttpStatusCode.OK, (await heldA).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await heldB).StatusCode);
        await WaitForLeasesAsync(redis, 0);
        using var admitted = await a.Client.SendAsync(FrontDoorTestHost.ChatRequest());
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
    }

    [SkippableFact]
    public async Task A_lease_counts_until_its_expiry_and_not_after()
    {
        using var redis = RedisServer.StartOrSkip();
        await using var host = await FrontDoorTestHost.StartAsync(Config(redis, 1));
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var database = connection.GetDatabase();

        // A lease left by a crashed replica, expiring in a minute: it still holds the tenant's only slot.
        var serverMilliseconds = await ServerTimeAsync(database);
        await database.SortedSetAddAsync(LeaseKey, "crashed-replica:1", serverMilliseconds + 60_000);
        using (var refused = await host.Client.SendAsync(FrontDoorTestHost.ChatRequest()))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }

        // Its expiry has passed: swept on the next admission, which it no longer blocks.
        await database.SortedSetAddAsync(LeaseKey, "crashed-replica:1", serverMilliseconds - 1);
        using var admitted = await host.Client.SendAsync(FrontDoorTestHost.ChatRequest());
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        Assert.Null(await database.SortedSetScoreAsync(LeaseKey, "crashed-replica:1"));
    }

    [SkippableFact]
    public async Task Without_redis_each_replica_enforces_its_share()
    {
        using var redis = RedisServer.StartOrSkip();
        redis.Kill();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrived = new CountdownEvent(2);
        await using var host = await FrontDoorTestHost.StartAsync(Config(redis, 4), mapEndpoints: app => MapHeld(app, gate, arrived));

        // 4 across 2 expected replicas: 2 here, both running (they reached the endpoint) before the third is tried.
        var held = new[] { host.Client.SendAsync(FrontDoorTestHost.ChatRequest()), host.Client.SendAsync(FrontDoorTestHost.ChatRequest()) };
        Assert.True(arrived.Wait(TimeSpan.FromSeconds(25)), "the requests within the share were not admitted");
        using (var third = await host.Client.SendAsync(FrontDoorTestHost.ChatRequest()))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
            Assert.NotNull(third.Headers.RetryAfter);
        }

        gate.SetResult();
        foreach (var request in held)
        {
            Assert.Equal(HttpStatusCode.OK, (await request).StatusCode);
        }
    }

    private static void MapHeld(WebApplication app, TaskCompletionSource gate, CountdownEvent? arrived = null) =>
        app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            arrived?.Signal();
            await gate.Task.WaitAsync(context.RequestAborted);
            await context.Response.WriteAsync("{}", context.RequestAborted);
        });

    private static async Task<long> ServerTimeAsync(IDatabase database)
    {
        var time = (RedisResult[])(await database.ExecuteAsync("TIME"))!;
        return (long.Parse((string)time[0]!, System.Globalization.CultureInfo.InvariantCulture) * 1000)
            + (long.Parse((string)time[1]!, System.Globalization.CultureInfo.InvariantCulture) / 1000);
    }

    private static async Task WaitForLeasesAsync(RedisServer redis, long count)
    {
        using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var database = connection.GetDatabase();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (await database.SortedSetLengthAsync(LeaseKey) != count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"expected {count} leases in Redis");
            await Task.Delay(50);
        }
    }
}

namespace Gateway.FrontDoor.Configuration;

/// <summary>The <c>FrontDoor:Redis</c> section: where global limits live and how quickly to give up on Redis.</summary>
public sealed class RedisLimiterOptions
{
    /// <summary>StackExchange.Redis connection string; empty keeps all limits local to this replica.</summary>
    public string? Configuration { get; set; }

    /// <summary>Prefix of every key, so several gateways can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "gateway:rl:";

    /// <summary>A rate-limit check is on every request's path; past this budget the local share decides instead.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How long the breaker stays open before one trial call checks whether Redis is back.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Failure ratio over <see cref="SamplingDuration"/> that opens the breaker.</summary>
    public double FailureRatio { get; set; } = 0.5;

    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    public int MinimumThroughput { get; set; } = 5;

    /// <summary>
    /// Lifetime of a concurrency lease in Redis; a running request's replica renews it every third of this. A replica
    /// that dies frees its tenants' slots within this time.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);
}

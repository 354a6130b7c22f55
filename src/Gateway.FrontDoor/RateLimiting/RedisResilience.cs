using Gateway.FrontDoor.Configuration;
using Gateway.FrontDoor.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using StackExchange.Redis;

namespace Gateway.FrontDoor.RateLimiting;

/// <summary>
/// The timeout and the one circuit breaker every Redis call on a request's path goes through (rate buckets and
/// concurrency leases alike), so one outage opens one breaker and the trial call after it brings both back.
/// </summary>
internal sealed class RedisResilience
{
    public RedisResilience(IOptions<FrontDoorOptions> options, TimeProvider time, ILogger<RedisResilience> logger)
    {
        var settings = options.Value;
        Replicas = Math.Max(1, settings.ExpectedReplicas);
        var replicas = Replicas;
        Pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = settings.Redis.FailureRatio,
                MinimumThroughput = settings.Redis.MinimumThroughput,
                SamplingDuration = settings.Redis.SamplingDuration,
                BreakDuration = settings.Redis.BreakDuration,
                ShouldHandle = new PredicateBuilder().Handle<RedisException>().Handle<TimeoutRejectedException>(),
                OnOpened = args =>
                {
                    FrontDoorLog.RedisCircuitOpened(logger, replicas, args.Outcome.Exception);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    FrontDoorLog.RedisCircuitClosed(logger);
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(settings.Redis.Timeout)
            .Build();
    }

    public ResiliencePipeline Pipeline { get; }

    /// <summary>FrontDoor:ExpectedReplicas, at least 1: the divisor of each limit while Redis is away.</summary>
    public int Replicas { get; }

    /// <summary>Whether <paramref name="ex"/> means "Redis could not decide" (as opposed to the caller giving up).</summary>
    public static bool IsUnavailable(Exception ex, CancellationToken cancellationToken) =>
        ex is RedisException or TimeoutRejectedException or BrokenCircuitException or TimeoutException
        || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);
}

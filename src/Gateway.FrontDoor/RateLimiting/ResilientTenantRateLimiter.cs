using Gateway.FrontDoor.Configuration;
using Gateway.FrontDoor.Logging;
using Gateway.FrontDoor.Tenants;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using StackExchange.Redis;

namespace Gateway.FrontDoor.RateLimiting;

/// <summary>
/// Global limits through Redis, guarded by a timeout and a circuit breaker. Whenever Redis cannot decide (down, slow,
/// breaker open) this replica enforces its share, limit / FrontDoor:ExpectedReplicas, so the fleet stays near the
/// configured limit and clients never see a 5xx because of Redis. The breaker's trial calls bring global limiting back.
/// </summary>
internal sealed class ResilientTenantRateLimiter : ITenantRateLimiter
{
    private readonly RedisTenantRateLimiter _redis;
    private readonly LocalTenantRateLimiter _localShare;
    private readonly ResiliencePipeline _pipeline;
    private readonly ILogger<ResilientTenantRateLimiter> _logger;

    public ResilientTenantRateLimiter(
        RedisTenantRateLimiter redis, IOptions<FrontDoorOptions> options, TimeProvider time,
        ILogger<ResilientTenantRateLimiter> logger)
    {
        _redis = redis;
        _logger = logger;
        var settings = options.Value;
        var replicas = Math.Max(1, settings.ExpectedReplicas);
        _localShare = new LocalTenantRateLimiter(time, replicas, RateLimitScope.Replica);
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
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

    public async ValueTask<RateLimitDecision> TryAcquireAsync(TenantPolicy tenant, int tokens, CancellationToken cancellationToken)
    {
        try
        {
            return await _pipeline.ExecuteAsync(
                static (state, token) => state.Redis.TryAcquireAsync(state.Tenant, state.Tokens, token),
                (Redis: _redis, Tenant: tenant, Tokens: tokens), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsRedisUnavailable(ex, cancellationToken))
        {
            FrontDoorLog.RedisCallFailed(_logger, ex);
            return _localShare.TryAcquire(tenant, tokens);
        }
    }

    public async ValueTask AdjustTokensAsync(TenantPolicy tenant, RateLimitScope admittedBy, int tokens, CancellationToken cancellationToken)
    {
        if (admittedBy == RateLimitScope.Replica)
        {
            await _localShare.AdjustTokensAsync(tenant, admittedBy, tokens, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            await _pipeline.ExecuteAsync(
                static (state, token) => state.Redis.AdjustTokensAsync(state.Tenant, RateLimitScope.Global, state.Tokens, token),
                (Redis: _redis, Tenant: tenant, Tokens: tokens), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsRedisUnavailable(ex, cancellationToken))
        {
            // A lost correction only shifts one tenant's budget by one request's estimate error; not worth failing for.
            FrontDoorLog.RedisCallFailed(_logger, ex);
        }
    }

    private static bool IsRedisUnavailable(Exception ex, CancellationToken cancellationToken) =>
        ex is RedisException or TimeoutRejectedException or BrokenCircuitException or TimeoutException
        || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);
}

using Gateway.FrontDoor.Logging;
using Gateway.FrontDoor.Tenants;
using Microsoft.Extensions.Logging;

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
    private readonly RedisResilience _resilience;
    private readonly ILogger<ResilientTenantRateLimiter> _logger;

    public ResilientTenantRateLimiter(
        RedisTenantRateLimiter redis, RedisResilience resilience, TimeProvider time, ILogger<ResilientTenantRateLimiter> logger)
    {
        _redis = redis;
        _resilience = resilience;
        _logger = logger;
        _localShare = new LocalTenantRateLimiter(time, resilience.Replicas, RateLimitScope.Replica);
    }

    public async ValueTask<RateLimitDecision> TryAcquireAsync(TenantPolicy tenant, int tokens, CancellationToken cancellationToken)
    {
        try
        {
            return await _resilience.Pipeline.ExecuteAsync(
                static (state, token) => state.Redis.TryAcquireAsync(state.Tenant, state.Tokens, token),
                (Redis: _redis, Tenant: tenant, Tokens: tokens), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisResilience.IsUnavailable(ex, cancellationToken))
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
            await _resilience.Pipeline.ExecuteAsync(
                static (state, token) => state.Redis.AdjustTokensAsync(state.Tenant, RateLimitScope.Global, state.Tokens, token),
                (Redis: _redis, Tenant: tenant, Tokens: tokens), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisResilience.IsUnavailable(ex, cancellationToken))
        {
            // A lost correction only shifts one tenant's budget by one request's estimate error; not worth failing for.
            FrontDoorLog.RedisCallFailed(_logger, ex);
        }
    }
}

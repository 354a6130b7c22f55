using System.Collections.Concurrent;
using System.Globalization;
using Gateway.FrontDoor.Configuration;
using Gateway.FrontDoor.Tenants;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gateway.FrontDoor.RateLimiting;

/// <summary>
/// Fleet-wide buckets in Redis, one pair per tenant. Throws when Redis cannot answer; <see cref="ResilientTenantRateLimiter"/>
/// turns that into a local-share decision.
/// </summary>
internal sealed class RedisTenantRateLimiter(RedisConnection connection, IOptions<FrontDoorOptions> options) : ITenantRateLimiter
{
    private readonly string _prefix = options.Value.Redis.KeyPrefix;

    // Built once per tenant: the keys are on every request's path.
    private readonly ConcurrentDictionary<string, RedisKey[]> _keys = new(StringComparer.Ordinal);

    public async ValueTask<RateLimitDecision> TryAcquireAsync(TenantPolicy tenant, int tokens, CancellationToken cancellationToken)
    {
        var database = await connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
        var keys = Keys(tenant);
        RedisValue[] values = [Math.Max(0, tenant.RequestsPerMinute), Math.Max(0, tenant.TokensPerMinute), tokens];

        // The client predates cancellation tokens; WaitAsync lets the caller's timeout abandon a slow call.
        var result = await database.ScriptEvaluateAsync(RedisRateLimitScripts.Acquire, keys, values)
            .WaitAsync(cancellationToken).ConfigureAwait(false);

        var parts = (RedisResult[])result!;
        var denied = (int)parts[0];
        var requestLevel = double.Parse((string)parts[1]!, CultureInfo.InvariantCulture);
        var tokenLevel = double.Parse((string)parts[2]!, CultureInfo.InvariantCulture);

        RateLimitKind? deniedBy = denied switch
        {
            1 => RateLimitKind.Requests,
            2 => RateLimitKind.Tokens,
            _ => null,
        };
        var retryAfter = deniedBy switch
        {
            RateLimitKind.Requests => BucketMath.TimeUntil(requestLevel, 1, tenant.RequestsPerMinute),
            RateLimitKind.Tokens => BucketMath.TimeUntil(tokenLevel, tokens, tenant.TokensPerMinute),
            _ => TimeSpan.Zero,
        };

        return new RateLimitDecision(
            deniedBy is null, deniedBy, retryAfter,
            BucketMath.Window(tenant.RequestsPerMinute, requestLevel),
            BucketMath.Window(tenant.TokensPerMinute, tokenLevel),
            RateLimitScope.Global);
    }

    public async ValueTask AdjustTokensAsync(TenantPolicy tenant, RateLimitScope admittedBy, int tokens, CancellationToken cancellationToken)
    {
        if (tenant.TokensPerMinute <= 0 || tokens == 0)
        {
            return;
        }

        var database = await connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
        await database.ScriptEvaluateAsync(
                RedisRateLimitScripts.Adjust, [Keys(tenant)[1]], [tenant.TokensPerMinute, tokens])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>[requests, tokens]. The {tenant} hash tag keeps both on one Redis Cluster slot, as a multi-key script requires.</summary>
    private RedisKey[] Keys(TenantPolicy tenant) =>
        _keys.TryGetValue(tenant.Name, out var keys)
            ? keys
            : _keys.GetOrAdd(tenant.Name, static (name, prefix) =>
                [(RedisKey)$"{prefix}{{{name}}}:requests", (RedisKey)$"{prefix}{{{name}}}:tokens"], _prefix);
}

using System.Collections.Concurrent;
using Gateway.FrontDoor.Tenants;

namespace Gateway.FrontDoor.RateLimiting;

/// <summary>
/// In-process buckets. With <c>shareDivisor</c> 1 it enforces the full limits (single replica, no Redis); the Redis
/// fallback uses it with the expected replica count so each replica enforces its share.
/// System.Threading.RateLimiting's token bucket cannot refund or go into debt, which reconciliation needs,
/// hence buckets of our own.
/// </summary>
internal sealed class LocalTenantRateLimiter(TimeProvider time, int shareDivisor, RateLimitScope scope) : ITenantRateLimiter
{
    private readonly ConcurrentDictionary<string, TenantBuckets> _buckets = new(StringComparer.Ordinal);
    private readonly int _divisor = Math.Max(1, shareDivisor);

    public ValueTask<RateLimitDecision> TryAcquireAsync(TenantPolicy tenant, int tokens, CancellationToken cancellationToken) =>
        ValueTask.FromResult(TryAcquire(tenant, tokens));

    public ValueTask AdjustTokensAsync(TenantPolicy tenant, RateLimitScope admittedBy, int tokens, CancellationToken cancellationToken)
    {
        var tokenLimit = Share(tenant.TokensPerMinute);
        if (tokenLimit > 0 && tokens != 0)
        {
            var buckets = Get(tenant);
            lock (buckets)
            {
                buckets.Tokens.Refill(tokenLimit, time);
                if (tokens > 0)
                {
                    buckets.Tokens.Give(tokens);
                }
                else
                {
                    buckets.Tokens.Take(-tokens);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    public RateLimitDecision TryAcquire(TenantPolicy tenant, int tokens)
    {
        var requestLimit = Share(tenant.RequestsPerMinute);
        var tokenLimit = Share(tenant.TokensPerMinute);
        var buckets = Get(tenant);
        lock (buckets)
        {
            var requestLevel = requestLimit > 0 ? buckets.Requests.Refill(requestLimit, time) : double.MaxValue;
            var tokenLevel = tokenLimit > 0 ? buckets.Tokens.Refill(tokenLimit, time) : double.MaxValue;

            RateLimitKind? denied = null;
            var retryAfter = TimeSpan.Zero;
            if (requestLevel < 1)
            {
                denied = RateLimitKind.Requests;
                retryAfter = buckets.Requests.TimeUntil(1);
            }
            else if (tokenLevel < tokens)
            {
                denied = RateLimitKind.Tokens;
                retryAfter = buckets.Tokens.TimeUntil(tokens);
            }
            else
            {
                if (requestLimit > 0)
                {
                    buckets.Requests.Take(1);
                }

                if (tokenLimit > 0)
                {
                    buckets.Tokens.Take(tokens);
                }
            }

            return new RateLimitDecision(
                denied is null, denied, retryAfter,
                requestLimit > 0 ? buckets.Requests.Window(requestLimit) : default,
                tokenLimit > 0 ? buckets.Tokens.Window(tokenLimit) : default,
                scope);
        }
    }

    private int Share(int limit) => limit <= 0 ? 0 : Math.Max(1, limit / _divisor);

    private TenantBuckets Get(TenantPolicy tenant) =>
        _buckets.TryGetValue(tenant.Name, out var buckets)
            ? buckets
            : _buckets.GetOrAdd(tenant.Name, static (_, state) => new TenantBuckets(
                state.Self.Share(state.Tenant.RequestsPerMinute), state.Self.Share(state.Tenant.TokensPerMinute),
                state.Now), (Self: this, Tenant: tenant, Now: time.GetTimestamp()));

    private sealed class TenantBuckets(int requests, int tokens, long now)
    {
        public TokenBucket Requests { get; } = new(requests, now);

        public TokenBucket Tokens { get; } = new(tokens, now);
    }
}

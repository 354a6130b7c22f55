using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Gateway.FrontDoor.Tenants;

namespace Gateway.FrontDoor.RateLimiting;

/// <summary>
/// In-flight requests per tenant counted on this replica alone: the whole limit when there is no Redis, or
/// limit / <c>ExpectedReplicas</c> as the fallback while Redis cannot answer.
/// </summary>
internal sealed class LocalConcurrencyLimiter(int replicas, RateLimitScope scope) : ITenantConcurrencyLimiter, IDisposable
{
    private readonly ConcurrentDictionary<(string Tenant, int Limit), ConcurrencyLimiter> _limiters = new();

    public ValueTask<ConcurrencyLease?> TryAcquireAsync(TenantPolicy tenant, CancellationToken cancellationToken) =>
        ValueTask.FromResult(TryAcquire(tenant));

    public ConcurrencyLease? TryAcquire(TenantPolicy tenant)
    {
        if (tenant.MaxConcurrentRequests <= 0)
        {
            return null;
        }

        // A share never rounds down to zero: a tenant that may run requests at all may run one on each replica.
        var limit = Math.Max(1, tenant.MaxConcurrentRequests / Math.Max(1, replicas));

        // Keyed by limit too, so a reloaded limit takes effect for new requests without disturbing leases in flight.
        var limiter = _limiters.GetOrAdd((tenant.Name, limit), static key => new ConcurrencyLimiter(
            new ConcurrencyLimiterOptions { PermitLimit = key.Limit, QueueLimit = 0 }));
        return new Lease(limiter.AttemptAcquire(), scope);
    }

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values)
        {
            limiter.Dispose();
        }
    }

    private sealed class Lease(RateLimitLease inner, RateLimitScope scope) : ConcurrencyLease(inner.IsAcquired, scope)
    {
        protected override ValueTask ReleaseAsync()
        {
            inner.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

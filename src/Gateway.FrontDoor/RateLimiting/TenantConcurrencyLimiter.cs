using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Gateway.FrontDoor.Tenants;

namespace Gateway.FrontDoor.RateLimiting;

/// <summary>
/// In-flight requests per tenant on this replica. Deliberately local: what concurrency protects is this replica's
/// compute, and a crashed replica must not leave leases stuck in a shared store.
/// </summary>
internal sealed class TenantConcurrencyLimiter : IDisposable
{
    private readonly ConcurrentDictionary<(string Tenant, int Limit), ConcurrencyLimiter> _limiters = new();

    /// <summary>A lease to dispose when the request ends; null when the tenant has no concurrency limit.</summary>
    public RateLimitLease? TryAcquire(TenantPolicy tenant)
    {
        if (tenant.MaxConcurrentRequests <= 0)
        {
            return null;
        }

        // Keyed by limit too, so a reloaded limit takes effect for new requests without disturbing leases in flight.
        var limiter = _limiters.GetOrAdd((tenant.Name, tenant.MaxConcurrentRequests), static key => new ConcurrencyLimiter(
            new ConcurrencyLimiterOptions { PermitLimit = key.Limit, QueueLimit = 0 }));
        return limiter.AttemptAcquire();
    }

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values)
        {
            limiter.Dispose();
        }
    }
}

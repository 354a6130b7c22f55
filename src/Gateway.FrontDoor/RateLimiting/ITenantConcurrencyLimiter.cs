using Gateway.FrontDoor.Tenants;

namespace Gateway.FrontDoor.RateLimiting;

/// <summary>
/// A tenant's in-flight requests against its <c>MaxConcurrentRequests</c>: fleet-wide through Redis leases when Redis
/// is configured and answering, this replica's share otherwise.
/// </summary>
internal interface ITenantConcurrencyLimiter
{
    /// <summary>A lease to dispose when the request ends (check <see cref="ConcurrencyLease.IsAcquired"/>); null when the
    /// tenant has no concurrency limit.</summary>
    ValueTask<ConcurrencyLease?> TryAcquireAsync(TenantPolicy tenant, CancellationToken cancellationToken);
}

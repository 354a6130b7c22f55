using Gateway.FrontDoor.Tenants;

namespace Gateway.FrontDoor.RateLimiting;

/// <summary>
/// Per-tenant requests-per-minute and tokens-per-minute admission. One request and the token reservation are taken
/// together or not at all; the reservation is later corrected with <see cref="AdjustTokensAsync"/>.
/// </summary>
public interface ITenantRateLimiter
{
    ValueTask<RateLimitDecision> TryAcquireAsync(TenantPolicy tenant, int tokens, CancellationToken cancellationToken);

    /// <summary>
    /// Gives back <paramref name="tokens"/> (or, when negative, charges them on top) to the bucket that admitted the
    /// request; <paramref name="admittedBy"/> routes the correction to that same bucket.
    /// </summary>
    ValueTask AdjustTokensAsync(TenantPolicy tenant, RateLimitScope admittedBy, int tokens, CancellationToken cancellationToken);
}

namespace Gateway.FrontDoor.Configuration;

/// <summary>The limits of one tenant (<c>FrontDoor:Tenants:{name}</c>). Zero or less means unlimited.</summary>
public sealed class TenantOptions
{
    public int RequestsPerMinute { get; set; } = 600;

    public int TokensPerMinute { get; set; } = 1_000_000;

    /// <summary>
    /// In-flight requests of the tenant: across all replicas when Redis is configured (leases with expiry), per replica
    /// otherwise; while Redis is away each replica admits limit / ExpectedReplicas.
    /// </summary>
    public int MaxConcurrentRequests { get; set; } = 64;

    /// <summary>Higher is more important; handed to the serving layer through <c>IFrontDoorRequestFeature</c>.</summary>
    public int Priority { get; set; }
}

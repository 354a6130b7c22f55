namespace Gateway.FrontDoor.Tenants;

/// <summary>
/// A tenant's resolved limits. <see cref="MetricLabel"/> is the tenant name for configured tenants and "other" for
/// the rest, so a key file full of ad-hoc tenants cannot blow up metric cardinality.
/// </summary>
public sealed record TenantPolicy(
    string Name, int RequestsPerMinute, int TokensPerMinute, int MaxConcurrentRequests, int Priority, string MetricLabel);

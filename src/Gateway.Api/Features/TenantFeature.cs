namespace Gateway.Api.Features;

/// <summary>
/// Who is calling, as the front door authenticated it; the API passes tenant and priority on to the scheduler. Absent
/// when no front door runs (tests, embedded use): then the request is anonymous with default priority.
/// </summary>
public sealed record TenantFeature(string Tenant, int Priority);

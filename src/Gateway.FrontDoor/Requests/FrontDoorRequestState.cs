using Gateway.FrontDoor.RateLimiting;
using Gateway.FrontDoor.Tenants;

namespace Gateway.FrontDoor.Requests;

/// <summary>Per-request state shared by the front door's middlewares; one allocation per request.</summary>
internal sealed class FrontDoorRequestState : IFrontDoorRequestFeature
{
    public TenantPolicy? Policy { get; set; }

    public string Tenant => Policy?.Name ?? TenantDirectory.AnonymousTenant;

    public int Priority => Policy?.Priority ?? 0;

    public string? Model { get; set; }

    /// <summary>The body's <c>max_tokens</c> or <c>max_completion_tokens</c>, when present.</summary>
    public int? MaxTokens { get; set; }

    public int PromptTokenEstimate { get; set; }

    public int ReservedTokens { get; set; }

    /// <summary>The admission decision, kept so the end-of-request reconciliation goes to the same limiter.</summary>
    public RateLimitDecision? Admission { get; set; }

    /// <summary>Set once usage was reconciled, so a second report does not refund twice.</summary>
    public bool UsageReported { get; set; }
}

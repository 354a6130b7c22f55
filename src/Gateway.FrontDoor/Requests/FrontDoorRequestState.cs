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

    /// <summary>The body's <c>stream</c> flag.</summary>
    public bool Stream { get; set; }

    /// <summary>The body's <c>stream_options.include_usage</c> flag.</summary>
    public bool IncludeUsage { get; set; }

    /// <summary>Set when a proxied stream's body was changed to ask the upstream for usage the client did not ask for.</summary>
    public bool AskedUpstreamForUsage { get; set; }

    public int ReservedTokens { get; set; }

    /// <summary>The admission decision, kept so the end-of-request reconciliation goes to the same limiter.</summary>
    public RateLimitDecision? Admission { get; set; }

    /// <summary>Set once usage was reconciled, so a second report does not refund twice.</summary>
    public bool UsageReported { get; set; }
}

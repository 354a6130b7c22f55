namespace Gateway.FrontDoor.Configuration;

/// <summary>The <c>FrontDoor</c> configuration section.</summary>
public sealed class FrontDoorOptions
{
    public const string SectionName = "FrontDoor";

    public ApiKeyAuthOptions Auth { get; set; } = new();

    /// <summary>Per-tenant limits keyed by tenant name; API keys map to these names.</summary>
    public Dictionary<string, TenantOptions> Tenants { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Limits for the anonymous tenant (auth off) and for key-file tenants missing from <see cref="Tenants"/>.</summary>
    public TenantOptions DefaultTenant { get; set; } = new();

    public RedisLimiterOptions Redis { get; set; } = new();

    /// <summary>
    /// How many replicas share the global limits. Only used while Redis is unreachable: each replica then enforces
    /// limit / ExpectedReplicas on its own, so the fleet as a whole stays close to the configured limit.
    /// </summary>
    public int ExpectedReplicas { get; set; } = 1;

    /// <summary>Largest request body the front door buffers to read <c>model</c>/<c>max_tokens</c>; larger gets 413.</summary>
    public int MaxInspectedBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Completion tokens reserved when a request names no <c>max_tokens</c>; reconciled at the end anyway.</summary>
    public int DefaultCompletionTokenReservation { get; set; } = 512;

    /// <summary>Upstream clusters of OpenAI-compatible servers keyed by cluster name.</summary>
    public Dictionary<string, ClusterOptions> Clusters { get; set; } = new(StringComparer.Ordinal);
}

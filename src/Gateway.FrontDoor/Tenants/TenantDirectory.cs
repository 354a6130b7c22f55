using System.Collections.Concurrent;
using Gateway.FrontDoor.Auth;
using Gateway.FrontDoor.Configuration;
using Microsoft.Extensions.Options;

namespace Gateway.FrontDoor.Tenants;

/// <summary>Resolves tenant names to policies; cached, and rebuilt when configuration changes.</summary>
internal sealed class TenantDirectory
{
    public const string AnonymousTenant = "anonymous";
    public const string OtherLabel = "other";

    private volatile ConcurrentDictionary<string, TenantPolicy> _cache = new(StringComparer.Ordinal);
    private volatile FrontDoorOptions _options;

    public TenantDirectory(IOptionsMonitor<FrontDoorOptions> options)
    {
        _options = options.CurrentValue;
        options.OnChange(updated =>
        {
            _options = updated;
            _cache = new ConcurrentDictionary<string, TenantPolicy>(StringComparer.Ordinal);
        });
    }

    public TenantPolicy Anonymous => Resolve(AnonymousTenant);

    public TenantPolicy Resolve(string tenant)
    {
        var cache = _cache;
        return cache.TryGetValue(tenant, out var policy) ? policy : cache.GetOrAdd(tenant, Build);
    }

    private TenantPolicy Build(string tenant)
    {
        var options = _options;
        var configured = options.Tenants.TryGetValue(tenant, out var limits);
        limits ??= options.DefaultTenant;
        var label = configured || tenant is AnonymousTenant or InternalCallerKey.Tenant ? tenant : OtherLabel;
        return new TenantPolicy(
            tenant, limits.RequestsPerMinute, limits.TokensPerMinute, limits.MaxConcurrentRequests, limits.Priority, label);
    }
}

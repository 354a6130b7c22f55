using Gateway.FrontDoor.Auth;
using Gateway.FrontDoor.Configuration;
using Gateway.FrontDoor.Drain;
using Gateway.FrontDoor.Metrics;
using Gateway.FrontDoor.RateLimiting;
using Gateway.FrontDoor.Routing;
using Gateway.FrontDoor.Tenants;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Gateway.FrontDoor;

/// <summary>Registers the front door: API keys, tenant limits, upstream routing, drain and its metrics.</summary>
public static class FrontDoorServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayFrontDoor(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<FrontDoorOptions>().Bind(configuration.GetSection(FrontDoorOptions.SectionName)).ValidateOnStart();
        services.AddOptions<DrainOptions>().Bind(configuration.GetSection(DrainOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FrontDoorOptions>, FrontDoorOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DrainOptions>, DrainOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();

        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<InternalCallerKey>();
        services.AddSingleton<KeysFileReloader>();
        services.AddHostedService(static sp => sp.GetRequiredService<KeysFileReloader>());
        services.AddSingleton<TenantDirectory>();

        services.AddSingleton<RedisConnection>();
        services.AddSingleton<RedisResilience>();
        services.AddSingleton<RedisTenantRateLimiter>();
        services.TryAddSingleton<ITenantRateLimiter>(static sp =>
            UsesRedis(sp)
                ? ActivatorUtilities.CreateInstance<ResilientTenantRateLimiter>(sp)
                : new LocalTenantRateLimiter(sp.GetRequiredService<TimeProvider>(), 1, RateLimitScope.Global));
        services.TryAddSingleton<ITenantConcurrencyLimiter>(static sp =>
            UsesRedis(sp)
                ? ActivatorUtilities.CreateInstance<RedisConcurrencyLimiter>(sp)
                : new LocalConcurrencyLimiter(1, RateLimitScope.Global));
        services.AddSingleton<ITokenUsageReporter, TokenUsageReporter>();
        services.AddSingleton<FrontDoorMetrics>();

        services.AddHttpForwarder();
        services.AddSingleton<UpstreamClusterRegistry>();
        services.AddSingleton<IUpstreamModelCatalog>(static sp => sp.GetRequiredService<UpstreamClusterRegistry>());
        services.AddSingleton<UpstreamForwarder>();
        services.AddSingleton<UpstreamHealthProbe>();
        services.AddHostedService(static sp => sp.GetRequiredService<UpstreamHealthProbe>());

        services.AddSingleton<DrainState>();
        services.AddSingleton<IDrainState>(static sp => sp.GetRequiredService<DrainState>());
        services.AddHostedService<DrainCoordinator>();
        services.AddOptions<HostOptions>().Configure<IOptions<DrainOptions>>(static (host, drain) =>
        {
            var required = DrainCoordinator.RequiredShutdownTimeout(drain.Value);
            if (host.ShutdownTimeout < required)
            {
                host.ShutdownTimeout = required;
            }
        });
        return services;
    }

    private static bool UsesRedis(IServiceProvider services) =>
        !string.IsNullOrWhiteSpace(services.GetRequiredService<IOptions<FrontDoorOptions>>().Value.Redis.Configuration);
}

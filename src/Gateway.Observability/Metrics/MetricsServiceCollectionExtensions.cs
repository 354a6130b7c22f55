using Gateway.Observability.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Prometheus;

namespace Gateway.Observability;

public static class MetricsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the gateway's prometheus-net registry and the bridge that publishes the System.Diagnostics.Metrics
    /// instruments into it. The registry is the host's own, not prometheus-net's process-wide default, so it carries
    /// exactly the gateway's families (no default process collectors, no automatic meter adapter).
    /// </summary>
    public static IServiceCollection AddGatewayMetrics(
        this IServiceCollection services, Action<GatewayMetricsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<GatewayMetricsOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton<MeterPrometheusBridge>(sp => ActivatorUtilities.CreateInstance<MeterPrometheusBridge>(sp, Prometheus.Metrics.NewCustomRegistry()));
        services.TryAddSingleton<CollectorRegistry>(sp => sp.GetRequiredService<MeterPrometheusBridge>().Registry);
        return services;
    }
}

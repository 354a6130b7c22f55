using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Observability.Metrics;

public static class MetricsServiceCollectionExtensions
{
    /// <summary>Registers the built-in <see cref="PrometheusExporter"/> as the <see cref="IMetricsExposition"/>.</summary>
    public static IServiceCollection AddGatewayMetrics(
        this IServiceCollection services, Action<PrometheusExporterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<PrometheusExporterOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton<PrometheusExporter>();
        services.TryAddSingleton<IMetricsExposition>(sp => sp.GetRequiredService<PrometheusExporter>());
        return services;
    }
}

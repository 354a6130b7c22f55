using Gateway.Observability.Metrics;
using Gateway.Observability.Tracing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Observability;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Everything the host needs for observability in one call: the Prometheus registry fed by the gateway's meters
    /// (served by <see cref="MetricsEndpointExtensions.MapPrometheusMetrics"/>) and OpenTelemetry tracing and OTLP export.
    /// </summary>
    public static IServiceCollection AddGatewayTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddGatewayMetrics().AddGatewayTracing(configuration);
    }
}

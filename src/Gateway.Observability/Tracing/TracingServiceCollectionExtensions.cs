using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace Gateway.Observability.Tracing;

public static class TracingServiceCollectionExtensions
{
    /// <summary>
    /// Registers OTLP tracing of the Gateway.* activity sources, active only when an endpoint is configured
    /// (Tracing:OtlpEndpoint or OTEL_EXPORTER_OTLP_ENDPOINT). The provider is flushed when the host stops.
    /// </summary>
    public static IServiceCollection AddGatewayTracing(
        this IServiceCollection services,
        IConfiguration configuration,
        Action<TracerProviderBuilder>? configureBuilder = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = GatewayTracingOptions.FromConfiguration(configuration);
        services.AddSingleton(options);
        services.AddSingleton(sp => new TracerProviderLifetime(
            options, sp.GetRequiredService<ILogger<TracerProviderLifetime>>(), configureBuilder));
        services.AddHostedService(sp => sp.GetRequiredService<TracerProviderLifetime>());
        return services;
    }
}

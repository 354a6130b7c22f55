using Gateway.Observability.Tracing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Gateway.Observability;

public static class TracingServiceCollectionExtensions
{
    /// <summary>
    /// Registers OpenTelemetry through <c>AddOpenTelemetry()</c> (OpenTelemetry.Extensions.Hosting starts the providers
    /// with the host and flushes them when it is disposed): spans of the Gateway.* sources with the ASP.NET Core and
    /// HttpClient instrumentation, and the runtime, ASP.NET Core, HttpClient and Gateway.* metrics, exported over OTLP.
    /// With no endpoint configured (Tracing:OtlpEndpoint or OTEL_EXPORTER_OTLP_ENDPOINT) nothing is registered, so no
    /// listener is attached and spans cost nothing; <paramref name="configureTracing"/> (tests) turns tracing on
    /// without an endpoint.
    /// </summary>
    public static IServiceCollection AddGatewayTracing(
        this IServiceCollection services,
        IConfiguration configuration,
        Action<TracerProviderBuilder>? configureTracing = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = GatewayTracingOptions.FromConfiguration(configuration);
        options.Validate();
        services.AddSingleton(options);
        if (!options.Enabled && configureTracing is null)
        {
            return services;
        }

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName))
            .WithTracing(tracing =>
            {
                tracing
                    .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.SamplingRatio)))
                    .AddSource(GatewayActivitySources.AllSourcesPattern)
                    // The request span of ASP.NET Core is the parent of ours (front door, API, queue, prefill, decode).
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation();
                configureTracing?.Invoke(tracing);
            });
        if (options.OtlpEndpoint is { } endpoint)
        {
            telemetry
                .WithMetrics(metrics => metrics
                    .AddMeter(GatewayActivitySources.AllSourcesPattern)
                    .AddRuntimeInstrumentation()
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation())
                // A base address: the exporter appends /v1/traces and /v1/metrics over HTTP, as the specification says.
                .UseOtlpExporter(options.OtlpProtocol, endpoint);
        }

        return services;
    }
}

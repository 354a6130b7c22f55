using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Gateway.Observability.Tracing;

/// <summary>Builds the process's tracer provider (OpenTelemetry.Extensions.Hosting is not available to us).</summary>
public static class GatewayTracerProviderFactory
{
    private const string OtlpTracesPath = "/v1/traces";

    /// <summary>
    /// Returns null when tracing is disabled, so that no listener is attached and spans cost nothing.
    /// <paramref name="configureBuilder"/> lets hosts and tests add processors or exporters.
    /// </summary>
    public static TracerProvider? Create(GatewayTracingOptions options, Action<TracerProviderBuilder>? configureBuilder = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.OtlpEndpoint is not { } endpoint)
        {
            return null;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.SamplingRatio, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.SamplingRatio, 1.0);

        var builder = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(options.ServiceName))
            .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.SamplingRatio)))
            .AddSource(GatewayActivitySources.AllSourcesPattern)
            .AddOtlpExporter(otlp =>
            {
                otlp.Protocol = options.OtlpProtocol;
                otlp.Endpoint = ExporterEndpoint(endpoint, options.OtlpProtocol);
            });
        configureBuilder?.Invoke(builder);
        return builder.Build();
    }

    /// <summary>
    /// An explicit endpoint is used verbatim by the exporter; over HTTP the base address from the standard variable
    /// needs the signal path appended, as the OpenTelemetry specification prescribes.
    /// </summary>
    internal static Uri ExporterEndpoint(Uri endpoint, OtlpExportProtocol protocol)
    {
        if (protocol != OtlpExportProtocol.HttpProtobuf || endpoint.AbsolutePath.EndsWith(OtlpTracesPath, StringComparison.Ordinal))
        {
            return endpoint;
        }

        var builder = new UriBuilder(endpoint);
        builder.Path = builder.Path.TrimEnd('/') + OtlpTracesPath;
        return builder.Uri;
    }
}

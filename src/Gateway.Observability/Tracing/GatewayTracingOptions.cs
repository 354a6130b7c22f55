using Microsoft.Extensions.Configuration;
using OpenTelemetry.Exporter;

namespace Gateway.Observability.Tracing;

/// <summary>Tracing settings; tracing is off unless an OTLP endpoint is configured.</summary>
public sealed class GatewayTracingOptions
{
    public const string SectionName = "Tracing";

    /// <summary>The standard OpenTelemetry variable, used when the Tracing section names no endpoint.</summary>
    public const string StandardEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>OTLP collector base address (over HTTP the exporter appends <c>/v1/traces</c> and <c>/v1/metrics</c>).</summary>
    public Uri? OtlpEndpoint { get; set; }

    public OtlpExportProtocol OtlpProtocol { get; set; } = OtlpExportProtocol.Grpc;

    public string ServiceName { get; set; } = "gateway";

    /// <summary>Fraction of root traces kept, 0..1; child spans follow their parent's decision.</summary>
    public double SamplingRatio { get; set; } = 1.0;

    public bool Enabled => OtlpEndpoint is not null;

    /// <summary>Throws, naming the key, when a value is out of range.</summary>
    public void Validate()
    {
        if (SamplingRatio is < 0 or > 1 || double.IsNaN(SamplingRatio))
        {
            throw new InvalidOperationException($"{SectionName}:SamplingRatio must be between 0 and 1, got {SamplingRatio}");
        }

        if (string.IsNullOrWhiteSpace(ServiceName))
        {
            throw new InvalidOperationException($"{SectionName}:ServiceName must not be empty");
        }
    }

    /// <summary>Reads the Tracing section, falling back to OTEL_EXPORTER_OTLP_ENDPOINT for the endpoint.</summary>
    public static GatewayTracingOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new GatewayTracingOptions();
        configuration.GetSection(SectionName).Bind(options);
        if (options.OtlpEndpoint is null
            && configuration[StandardEndpointVariable] is { Length: > 0 } standard
            && Uri.TryCreate(standard, UriKind.Absolute, out var uri))
        {
            options.OtlpEndpoint = uri;
        }

        return options;
    }
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace Gateway.Observability.Tracing;

/// <summary>
/// Owns the tracer provider for the host's lifetime: started with the host, flushed and disposed on shutdown so
/// that spans still buffered in the batch processor are exported.
/// </summary>
internal sealed partial class TracerProviderLifetime(
    GatewayTracingOptions options,
    ILogger<TracerProviderLifetime> logger,
    Action<TracerProviderBuilder>? configureBuilder = null) : IHostedService, IDisposable
{
    private const int FlushTimeoutMilliseconds = 5000;

    public TracerProvider? Provider { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Provider ??= GatewayTracerProviderFactory.Create(options, configureBuilder);
        if (Provider is null)
        {
            LogTracingDisabled(logger);
        }
        else
        {
            LogTracingEnabled(logger, options.OtlpEndpoint!, options.OtlpProtocol.ToString());
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (Provider is { } provider && !provider.ForceFlush(FlushTimeoutMilliseconds))
        {
            LogFlushIncomplete(logger);
        }

        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        Provider?.Dispose();
        Provider = null;
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Tracing exports to {Endpoint} over {Protocol}")]
    private static partial void LogTracingEnabled(ILogger logger, Uri endpoint, string protocol);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Tracing is off: no Tracing:OtlpEndpoint or OTEL_EXPORTER_OTLP_ENDPOINT configured")]
    private static partial void LogTracingDisabled(ILogger logger);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Warning, Message = "Not all spans were exported before shutdown")]
    private static partial void LogFlushIncomplete(ILogger logger);
}

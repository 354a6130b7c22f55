using System.Diagnostics;

namespace Gateway.Observability.Tracing;

/// <summary>
/// Activity source and span names shared by all layers; the tracer provider subscribes to every source matching
/// <see cref="AllSourcesPattern"/>.
/// </summary>
public static class GatewayActivitySources
{
    public const string ServingName = "Gateway.Serving";
    public const string ApiName = "Gateway.Api";
    public const string FrontDoorName = "Gateway.FrontDoor";

    /// <summary>Wildcard understood by OpenTelemetry's AddSource.</summary>
    public const string AllSourcesPattern = "Gateway.*";

    public static ActivitySource Api { get; } = new(ApiName);

    public static ActivitySource FrontDoor { get; } = new(FrontDoorName);

    /// <summary>Span names.</summary>
    public static class Spans
    {
        public const string Request = "gateway.request";
        public const string Admission = "gateway.admission";
        public const string Queue = "gateway.queue";
        public const string Prefill = "gateway.prefill";
        public const string Decode = "gateway.decode";
    }
}

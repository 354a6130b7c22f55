using System.Diagnostics;
using Gateway.Observability.Tracing;

namespace Gateway.Serving.Diagnostics;

/// <summary>
/// Spans for a request's phases. The scheduler loop knows a phase only when it ends, so each span is created after the
/// fact with explicit start and end times under the caller's trace context.
/// </summary>
internal static class ServingTelemetry
{
    public const string ActivitySourceName = GatewayActivitySources.ServingName;
    public const string QueueSpan = GatewayActivitySources.Spans.Queue;
    public const string PrefillSpan = GatewayActivitySources.Spans.Prefill;
    public const string DecodeSpan = GatewayActivitySources.Spans.Decode;

    public static readonly ActivitySource Source = new(ActivitySourceName);

    public static void RecordSpan(string name, RequestTimeline timeline, string requestId, long startTimestamp, long endTimestamp)
    {
        if (!Source.HasListeners() || startTimestamp == 0 || endTimestamp == 0)
        {
            return;
        }

        var nowTimestamp = Stopwatch.GetTimestamp();
        var now = DateTimeOffset.UtcNow;
        using var activity = Source.StartActivity(
            name,
            ActivityKind.Internal,
            timeline.Parent,
            tags: null,
            links: null,
            startTime: RequestTimeline.ToDateTime(startTimestamp, nowTimestamp, now));
        if (activity is null)
        {
            return;
        }

        activity.SetTag("gateway.request_id", requestId);
        activity.SetEndTime(RequestTimeline.ToDateTime(endTimestamp, nowTimestamp, now).UtcDateTime);
    }
}

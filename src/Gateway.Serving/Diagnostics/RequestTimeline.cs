using System.Diagnostics;

namespace Gateway.Serving.Diagnostics;

/// <summary>
/// <see cref="Stopwatch"/> timestamps of one request's life, written by the scheduler loop; they feed the latency
/// histograms and the queue/prefill/decode spans. Zero means "not yet".
/// </summary>
internal sealed class RequestTimeline
{
    public RequestTimeline(long enqueued, ActivityContext parent)
    {
        Enqueued = enqueued;
        Parent = parent;
    }

    /// <summary>The caller's trace context at submit time, so the spans join the HTTP request's trace.</summary>
    public ActivityContext Parent { get; }

    public long Enqueued { get; }

    public long FirstScheduled { get; set; }

    public long FirstToken { get; set; }

    public long LastToken { get; set; }

    public long Finished { get; set; }

    public static double Seconds(long from, long to) => (to - from) / (double)Stopwatch.Frequency;

    public static DateTimeOffset ToDateTime(long timestamp, long nowTimestamp, DateTimeOffset now) =>
        now - TimeSpan.FromSeconds(Seconds(timestamp, nowTimestamp));
}

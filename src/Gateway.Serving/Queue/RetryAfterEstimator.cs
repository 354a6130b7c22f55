using Gateway.Serving.Diagnostics;

namespace Gateway.Serving.Queue;

/// <summary>
/// Turns the queued work and the recent drain rate into a Retry-After hint. Clients read it in whole seconds, so it is
/// at least one second, and at most a minute: beyond that an estimate from a few seconds of history means little.
/// </summary>
internal static class RetryAfterEstimator
{
    public static readonly TimeSpan Minimum = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Maximum = TimeSpan.FromSeconds(60);

    public static TimeSpan ForQueuedTokens(long queuedPromptTokens, ThroughputEstimate throughput)
    {
        var rate = throughput.PrefillTokensPerSecond > 0 ? throughput.PrefillTokensPerSecond : throughput.TokensPerSecond;
        if (!throughput.HasData || rate <= 0)
        {
            return Minimum;
        }

        return Clamp(TimeSpan.FromSeconds(queuedPromptTokens / rate));
    }

    public static TimeSpan Clamp(TimeSpan value)
    {
        var seconds = Math.Ceiling(value.TotalSeconds);
        return TimeSpan.FromSeconds(Math.Clamp(seconds, Minimum.TotalSeconds, Maximum.TotalSeconds));
    }
}

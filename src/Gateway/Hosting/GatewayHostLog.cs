namespace Gateway.Hosting;

/// <summary>Log events of the gateway host.</summary>
internal static partial class GatewayHostLog
{
    [LoggerMessage(EventId = GatewayHostEventIds.HttpWarmupFinished, EventName = nameof(HttpWarmupFinished), Level = LogLevel.Information,
        Message = "HTTP warm-up sent {Requests} requests through the gateway's own endpoint in {Elapsed} ({Failed} failed)")]
    public static partial void HttpWarmupFinished(ILogger logger, TimeSpan elapsed, int requests, int failed);

    [LoggerMessage(EventId = GatewayHostEventIds.HttpWarmupSkipped, EventName = nameof(HttpWarmupSkipped), Level = LogLevel.Warning,
        Message = "HTTP warm-up skipped: the server listens on no plain-http address it can call itself")]
    public static partial void HttpWarmupSkipped(ILogger logger);

    [LoggerMessage(EventId = GatewayHostEventIds.HttpWarmupFailed, EventName = nameof(HttpWarmupFailed), Level = LogLevel.Warning,
        Message = "HTTP warm-up failed; the gateway becomes ready anyway, its first requests may run slower")]
    public static partial void HttpWarmupFailed(ILogger logger, Exception exception);
}

using Microsoft.Extensions.Logging;

namespace Gateway.FrontDoor.Logging;

/// <summary>All front-door log events; ids 4000-4099 belong to this project.</summary>
internal static partial class FrontDoorLog
{
    [LoggerMessage(EventId = FrontDoorEventIds.KeysFileLoaded, EventName = "KeysFileLoaded", Level = LogLevel.Information, Message = "Loaded {Count} API keys from the keys file")]
    public static partial void KeysFileLoaded(ILogger logger, int count);

    [LoggerMessage(EventId = FrontDoorEventIds.KeysFileUnreadable, EventName = "KeysFileUnreadable", Level = LogLevel.Error, Message = "Could not read the API keys file {Path}; keeping the previous keys")]
    public static partial void KeysFileUnreadable(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = FrontDoorEventIds.InvalidKeyEntry, EventName = "InvalidKeyEntry", Level = LogLevel.Warning, Message = "Ignoring an API key entry for tenant '{Tenant}': the hash must be 64 hex characters")]
    public static partial void InvalidKeyEntry(ILogger logger, string tenant);

    [LoggerMessage(EventId = FrontDoorEventIds.RedisCircuitOpened, EventName = "RedisCircuitOpened", Level = LogLevel.Warning, Message = "Redis rate limiting unavailable; enforcing this replica's share of each limit (1/{Replicas})")]
    public static partial void RedisCircuitOpened(ILogger logger, int replicas, Exception? exception);

    [LoggerMessage(EventId = FrontDoorEventIds.RedisCircuitClosed, EventName = "RedisCircuitClosed", Level = LogLevel.Information, Message = "Redis rate limiting reachable again; global limits resumed")]
    public static partial void RedisCircuitClosed(ILogger logger);

    [LoggerMessage(EventId = FrontDoorEventIds.RedisCallFailed, EventName = "RedisCallFailed", Level = LogLevel.Debug, Message = "Redis rate-limit call failed; the local share decided")]
    public static partial void RedisCallFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = FrontDoorEventIds.TokensSettled, EventName = "TokensSettled", Level = LogLevel.Debug, Message = "Tenant {Tenant} used {Used} tokens ({Reserved} were reserved)")]
    public static partial void TokensSettled(ILogger logger, string tenant, int used, int reserved);

    [LoggerMessage(EventId = FrontDoorEventIds.UpstreamAttemptFailed, EventName = "UpstreamAttemptFailed", Level = LogLevel.Warning, Message = "Upstream {Cluster}/{Destination} failed ({Error}); trying another destination")]
    public static partial void UpstreamAttemptFailed(ILogger logger, string cluster, string destination, string error, Exception? exception);

    [LoggerMessage(EventId = FrontDoorEventIds.UpstreamHealthChanged, EventName = "UpstreamHealthChanged", Level = LogLevel.Warning, Message = "Upstream {Cluster}/{Destination} is now {State} by active health check")]
    public static partial void UpstreamHealthChanged(ILogger logger, string cluster, string destination, string state);

    [LoggerMessage(EventId = FrontDoorEventIds.UpstreamCircuitOpened, EventName = "UpstreamCircuitOpened", Level = LogLevel.Warning, Message = "Upstream cluster {Cluster} circuit opened")]
    public static partial void UpstreamCircuitOpened(ILogger logger, string cluster);

    [LoggerMessage(EventId = FrontDoorEventIds.DrainStarted, EventName = "DrainStarted", Level = LogLevel.Information, Message = "Draining: refusing new requests, waiting up to {TimeoutSeconds}s for {InFlight} in flight")]
    public static partial void DrainStarted(ILogger logger, int timeoutSeconds, int inFlight);

    [LoggerMessage(EventId = FrontDoorEventIds.DrainDeadlineReached, EventName = "DrainDeadlineReached", Level = LogLevel.Warning, Message = "Drain timeout reached with {InFlight} requests in flight; cancelling them")]
    public static partial void DrainDeadlineReached(ILogger logger, int inFlight);

    [LoggerMessage(EventId = FrontDoorEventIds.DrainCompleted, EventName = "DrainCompleted", Level = LogLevel.Information, Message = "Drain complete")]
    public static partial void DrainCompleted(ILogger logger);
}

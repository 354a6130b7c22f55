using Microsoft.Extensions.Logging;

namespace Gateway.Serving.Diagnostics;

/// <summary>The serving core's log messages.</summary>
internal static partial class ServingLog
{
    [LoggerMessage(EventId = ServingEventIds.LoopStarted, EventName = "LoopStarted", Level = LogLevel.Information,
        Message = "Scheduler loop started: {BlockCount} KV blocks of {BlockSize} tokens, {MaxBatchTokens} tokens per step, {MaxRunning} running sequences at most")]
    public static partial void LoopStarted(ILogger logger, int blockCount, int blockSize, int maxBatchTokens, int maxRunning);

    [LoggerMessage(EventId = ServingEventIds.LoopStopped, EventName = "LoopStopped", Level = LogLevel.Information, Message = "Scheduler loop stopped after {Steps} steps")]
    public static partial void LoopStopped(ILogger logger, long steps);

    [LoggerMessage(EventId = ServingEventIds.WarmupFinished, EventName = nameof(WarmupFinished), Level = LogLevel.Information,
        Message = "Warm-up finished in {Elapsed}: {Passes} passes, {Steps} steps, {CompiledMethods} methods compiled, settled: {Settled}")]
    public static partial void WarmupFinished(ILogger logger, TimeSpan elapsed, int passes, long steps, long compiledMethods, bool settled);

    [LoggerMessage(EventId = ServingEventIds.WarmupFailed, EventName = nameof(WarmupFailed), Level = LogLevel.Error,
        Message = "Warm-up failed; serving starts without it")]
    public static partial void WarmupFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = ServingEventIds.RequestRefused, EventName = "RequestRefused", Level = LogLevel.Debug,
        Message = "Request {RequestId} refused: {Reason}, retry after {RetryAfter}")]
    public static partial void RequestRefused(ILogger logger, string requestId, RefusalReason reason, TimeSpan retryAfter);

    [LoggerMessage(EventId = ServingEventIds.RequestFinished, EventName = "RequestFinished", Level = LogLevel.Debug,
        Message = "Request {RequestId} finished ({Finish}): {PromptTokens} prompt tokens ({CachedTokens} cached), {CompletionTokens} generated")]
    public static partial void RequestFinished(ILogger logger, string requestId, FinishReason finish, int promptTokens, int cachedTokens, int completionTokens);

    [LoggerMessage(EventId = ServingEventIds.SequencePreempted, EventName = "SequencePreempted", Level = LogLevel.Debug,
        Message = "Request {RequestId} preempted to free KV blocks; it will be recomputed from {Tokens} tokens")]
    public static partial void SequencePreempted(ILogger logger, string requestId, int tokens);

    [LoggerMessage(EventId = ServingEventIds.SequenceTooLongForPool, EventName = "SequenceTooLongForPool", Level = LogLevel.Warning,
        Message = "Request {RequestId} alone needs more KV blocks than the pool has; finishing it at {Tokens} tokens")]
    public static partial void SequenceTooLongForPool(ILogger logger, string requestId, int tokens);

    [LoggerMessage(EventId = ServingEventIds.ForwardFailed, EventName = "ForwardFailed", Level = LogLevel.Error,
        Message = "Forward pass over {Sequences} sequences failed; failing them")]
    public static partial void ForwardFailed(ILogger logger, Exception exception, int sequences);

    [LoggerMessage(EventId = ServingEventIds.RequestFailed, EventName = "RequestFailed", Level = LogLevel.Error, Message = "Request {RequestId} failed")]
    public static partial void RequestFailed(ILogger logger, Exception exception, string requestId);

    [LoggerMessage(EventId = ServingEventIds.LoopFaulted, EventName = "LoopFaulted", Level = LogLevel.Critical,
        Message = "Scheduler step failed outside the forward pass; failing all requests and continuing")]
    public static partial void LoopFaulted(ILogger logger, Exception exception);

    [LoggerMessage(EventId = ServingEventIds.DrainStarted, EventName = "DrainStarted", Level = LogLevel.Information,
        Message = "Draining: refusing new requests, {InFlight} in flight get up to {Timeout}")]
    public static partial void DrainStarted(ILogger logger, int inFlight, TimeSpan timeout);

    [LoggerMessage(EventId = ServingEventIds.DrainTimedOut, EventName = "DrainTimedOut", Level = LogLevel.Warning,
        Message = "Drain timed out; cancelling {InFlight} requests still in flight")]
    public static partial void DrainTimedOut(ILogger logger, int inFlight);

    [LoggerMessage(EventId = ServingEventIds.BlockSizeMismatch, EventName = "BlockSizeMismatch", Level = LogLevel.Warning,
        Message = "Serving:BlockSize is {Configured} but the model runner's KV pool uses {Actual}; using the runner's")]
    public static partial void BlockSizeMismatch(ILogger logger, int configured, int actual);
}

namespace Gateway.Serving;

/// <summary>Why a request was not queued.</summary>
public enum RefusalReason
{
    None,

    /// <summary>Too many requests or prompt tokens are already waiting.</summary>
    QueueFull,

    /// <summary>The prompt leaves no room to generate within the context length or the whole KV pool.</summary>
    PromptTooLong,

    /// <summary>The estimated time to first token, given the work queued ahead, exceeds the configured SLO.</summary>
    SloWouldBreak,

    /// <summary>The service is draining before shutdown.</summary>
    ShuttingDown,
}

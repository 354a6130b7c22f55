namespace SpikeReplay.Client;

/// <summary>How a planned request ended, from the client's point of view.</summary>
internal enum RequestOutcome
{
    /// <summary>2xx and the stream reached [DONE] (or closed cleanly after tokens).</summary>
    Completed,

    /// <summary>The server answered with a non-2xx status (429/503 refusals, 4xx, 5xx).</summary>
    HttpError,

    /// <summary>2xx, but the stream carried an error object or ended without [DONE].</summary>
    StreamError,

    /// <summary>No HTTP response: connection refused, reset, DNS and the like.</summary>
    TransportError,

    /// <summary>The request or drain timeout cut it off.</summary>
    Timeout,

    /// <summary>Never sent because the client's in-flight cap was full (kept, not queued, so the load stays open).</summary>
    ClientDropped,
}

namespace Gateway.Serving;

/// <summary>Why a generation ended.</summary>
public enum FinishReason
{
    /// <summary>End-of-generation token or a stop sequence.</summary>
    Stop,

    /// <summary>max_tokens, the context length or the KV pool's capacity was reached.</summary>
    Length,

    /// <summary>The caller's cancellation token fired, or the service shut down first.</summary>
    Cancelled,

    /// <summary>The engine failed; see <see cref="GenerationEvent.Error"/>.</summary>
    Error,
}

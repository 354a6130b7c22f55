using Gateway.Inference;

namespace Gateway.Serving;

/// <summary>The serving core as the API layer sees it. A thread-safe singleton.</summary>
public interface IGenerationService
{
    ModelInfo Model { get; }

    ITokenizer Tokenizer { get; }

    /// <summary>
    /// Queues a request, or refuses it at once (queue full, prompt too long, SLO would break, shutting down) with a
    /// hint of when to retry. Never blocks. Cancelling <paramref name="cancellationToken"/> (client gone, timeout) ends
    /// the generation at the next engine step with <see cref="FinishReason.Cancelled"/>.
    /// </summary>
    SubmitResult Submit(GenerationRequest request, CancellationToken cancellationToken);

    /// <summary>Current queue, batch and KV cache figures.</summary>
    ServingSnapshot Snapshot();
}

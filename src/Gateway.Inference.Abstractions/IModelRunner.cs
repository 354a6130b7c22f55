namespace Gateway.Inference;

/// <summary>
/// The paged-step contract the scheduler drives: runs forward passes over batches of sequence chunks against a paged KV
/// pool it owns. Not thread-safe: exactly one caller (the serving layer's scheduler loop) drives it, which is what lets it keep all scratch memory preallocated.
/// </summary>
public interface IModelRunner : ILoadedModel
{
    KvCacheGeometry KvCache { get; }

    /// <summary>Most tokens (summed over chunks) one <see cref="Forward"/> accepts.</summary>
    int MaxBatchTokens { get; }

    /// <summary>
    /// Runs one forward pass. For each chunk with <see cref="SequenceChunk.ComputeLogits"/>, in order, writes
    /// <c>Info.VocabSize</c> logits of its last token into consecutive slices of <paramref name="logits"/>.
    /// </summary>
    void Forward(ReadOnlySpan<SequenceChunk> chunks, Span<float> logits);
}

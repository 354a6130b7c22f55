using Gateway.Kernels;

namespace Gateway.Engine.Gguf.Llama;

/// <summary>One transformer block's weights. Matrices point into the mapped file; norms and biases are small and copied.</summary>
internal sealed record LlamaLayerWeights(
    float[] AttentionNorm,
    WeightMatrix Query,
    WeightMatrix Key,
    WeightMatrix Value,
    float[]? QueryBias,
    float[]? KeyBias,
    float[]? ValueBias,
    WeightMatrix Output,
    float[] FeedForwardNorm,
    WeightMatrix Gate,
    WeightMatrix Up,
    WeightMatrix Down);

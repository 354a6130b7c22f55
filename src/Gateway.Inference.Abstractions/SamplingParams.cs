namespace Gateway.Inference;

/// <summary>
/// How the next token is chosen. The defaults reproduce plain sampling at temperature 1 (OpenAI's defaults); the
/// penalties follow OpenAI (frequency/presence over generated tokens) and llama.cpp/HF (repetition over prompt and output).
/// </summary>
public sealed record SamplingParams
{
    public static SamplingParams Greedy { get; } = new() { Temperature = 0 };

    /// <summary>0 means greedy (argmax after penalties).</summary>
    public float Temperature { get; init; } = 1;

    /// <summary>Keep only the k most likely tokens; 0 disables.</summary>
    public int TopK { get; init; }

    /// <summary>Keep the smallest set of most likely tokens whose probability reaches this mass; 1 disables.</summary>
    public float TopP { get; init; } = 1;

    /// <summary>Drop tokens whose probability is below this fraction of the most likely token's; 0 disables.</summary>
    public float MinP { get; init; }

    /// <summary>Divides positive (multiplies negative) logits of tokens seen in prompt or output; 1 disables.</summary>
    public float RepetitionPenalty { get; init; } = 1;

    /// <summary>Subtracted from a token's logit once per time it was generated.</summary>
    public float FrequencyPenalty { get; init; }

    /// <summary>Subtracted from a token's logit if it was generated at all.</summary>
    public float PresencePenalty { get; init; }

    /// <summary>Same seed, same prompt, same parameters: same tokens. Null picks a random seed.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Whether to report the chosen token's log-probability.</summary>
    public bool Logprobs { get; init; }

    /// <summary>How many alternatives (most likely first) to report per position, 0..20.</summary>
    public int TopLogprobs { get; init; }

    /// <summary>
    /// Keep generating past end-of-generation tokens until the length limit or a stop string (vLLM's and llama.cpp's
    /// <c>ignore_eos</c>): benchmarks and load tests need outputs of a known length.
    /// </summary>
    public bool IgnoreEos { get; init; }
}

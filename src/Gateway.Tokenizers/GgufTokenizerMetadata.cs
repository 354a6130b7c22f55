using Gateway.Gguf;
using Gateway.Inference;

namespace Gateway.Tokenizers;

/// <summary>
/// A tokenizer as GGUF stores it under <c>tokenizer.ggml.*</c>: what a converter produces and
/// <see cref="TokenizerFactory"/> reads back. Ids are -1 when absent.
/// </summary>
public sealed class GgufTokenizerMetadata
{
    /// <summary><c>tokenizer.ggml.model</c>: "gpt2" (byte-level BPE) or "llama" (SentencePiece).</summary>
    public required string Model { get; init; }

    /// <summary><c>tokenizer.ggml.pre</c>: the pre-tokenizer name, or null to leave the key out.</summary>
    public string? Pre { get; init; }

    public required string[] Tokens { get; init; }

    /// <summary>Per token, a <see cref="TokenType"/> value (written as the int32 array GGUF readers expect).</summary>
    public required int[] TokenTypes { get; init; }

    /// <summary>BPE merges by rank, each "left right".</summary>
    public string[] Merges { get; init; } = [];

    /// <summary>SentencePiece scores; null for BPE vocabularies, which rank by merges instead.</summary>
    public float[]? Scores { get; init; }

    public int BosId { get; init; } = -1;

    public int EosId { get; init; } = -1;

    public int UnknownId { get; init; } = -1;

    public int PaddingId { get; init; } = -1;

    /// <summary><c>tokenizer.ggml.add_bos_token</c>; null leaves the key out, so the tokenizer family's default applies.</summary>
    public bool? AddBos { get; init; }

    /// <summary>Sets every <c>tokenizer.ggml.*</c> key this describes on <paramref name="writer"/>.</summary>
    public void WriteTo(GgufWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Set("tokenizer.ggml.model", Model);
        if (Pre is not null)
        {
            writer.Set("tokenizer.ggml.pre", Pre);
        }

        writer.Set("tokenizer.ggml.tokens", Tokens);
        writer.Set("tokenizer.ggml.token_type", TokenTypes);
        if (Scores is not null)
        {
            writer.Set("tokenizer.ggml.scores", Scores);
        }

        if (Merges.Length > 0)
        {
            writer.Set("tokenizer.ggml.merges", Merges);
        }

        // Ids as uint32, the type llama.cpp insists on for these keys.
        SetId(writer, "tokenizer.ggml.bos_token_id", BosId);
        SetId(writer, "tokenizer.ggml.eos_token_id", EosId);
        SetId(writer, "tokenizer.ggml.unknown_token_id", UnknownId);
        SetId(writer, "tokenizer.ggml.padding_token_id", PaddingId);
        if (AddBos is { } addBos)
        {
            writer.Set("tokenizer.ggml.add_bos_token", addBos);
        }
    }

    private static void SetId(GgufWriter writer, string key, int id)
    {
        if (id >= 0)
        {
            writer.Set(key, (uint)id);
        }
    }
}

namespace Gateway.Inference;

/// <summary>
/// Text to token ids and back, built from a model's GGUF metadata (<c>tokenizer.ggml.*</c>). Implementations are
/// immutable and thread-safe: one instance serves every request.
/// </summary>
public interface ITokenizer
{
    int VocabSize { get; }

    /// <summary>Beginning-of-sequence id, or -1 when the model has none.</summary>
    int BosId { get; }

    /// <summary>End-of-sequence id, or -1 when the model has none.</summary>
    int EosId { get; }

    /// <summary>Whether prompts should start with <see cref="BosId"/> (<c>tokenizer.ggml.add_bos_token</c>).</summary>
    bool AddBos { get; }

    /// <summary>Every id that ends generation: EOS, EOT, and control tokens such as ChatML's <c>&lt;|im_end|&gt;</c>.</summary>
    IReadOnlySet<int> EndOfGenerationIds { get; }

    /// <summary>Encodes text. With <paramref name="parseSpecial"/>, special/control token texts in the input become their ids.</summary>
    int[] Encode(string text, bool addBos, bool parseSpecial);

    /// <summary>Decodes ids to text; control tokens render as nothing unless <paramref name="renderSpecial"/>.</summary>
    string Decode(ReadOnlySpan<int> ids, bool renderSpecial = false);

    /// <summary>The raw bytes a token stands for (after byte-fallback / byte-level decoding); control tokens give their text.</summary>
    byte[] TokenBytes(int id);

    /// <summary>The token's text as stored in the vocabulary (e.g. "▁the", "Ġthe", "&lt;0x0A&gt;").</summary>
    string TokenText(int id);

    /// <summary>Whether the id is a control/special token (never printed as content).</summary>
    bool IsControl(int id);

    /// <summary>Looks up a token by its exact vocabulary text (e.g. "&lt;|im_end|&gt;").</summary>
    bool TryGetId(string tokenText, out int id);

    /// <summary>A per-stream decoder that only ever emits whole UTF-8 characters.</summary>
    StreamingDetokenizer CreateStreamingDetokenizer() => new(this);
}

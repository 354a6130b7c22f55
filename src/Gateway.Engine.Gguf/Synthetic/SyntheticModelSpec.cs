namespace Gateway.Engine.Gguf.Synthetic;

/// <summary>
/// The shape of a real model, for writing a GGUF with seeded random weights: speed and memory depend on shape and
/// weight type only, so this is what performance work runs on when the real weights cannot be had.
/// </summary>
public sealed record SyntheticModelSpec(
    string Name,
    string Architecture,
    int EmbeddingLength,
    int BlockCount,
    int HeadCount,
    int KvHeadCount,
    int FeedForwardLength,
    int VocabSize,
    int ContextLength,
    float RopeFreqBase,
    bool TiedEmbeddings,
    string TokenizerFile,
    string? ChatTemplateResource = null)
{
    /// <summary>Shapes we can write, by name.</summary>
    public static IReadOnlyDictionary<string, SyntheticModelSpec> Known { get; } = new Dictionary<string, SyntheticModelSpec>(StringComparer.OrdinalIgnoreCase)
    {
        // HuggingFaceTB/SmolLM2-135M-Instruct's config.json.
        ["smollm2-135m"] = new("smollm2-135m", "llama", 576, 30, 9, 3, 1536, 49152, 8192, 10000f, true, "smollm2-135m-instruct.tokenizer.json",
            "smollm2-135m-instruct.chat_template.jinja"),
        // The 134M Llama shape the reference llama.cpp / llama2.c figures were measured on.
        ["llama-134m"] = new("llama-134m", "llama", 768, 12, 12, 12, 2048, 32000, 2048, 10000f, false, "llama2-vocab.gguf"),
    };

    public int HeadDim => EmbeddingLength / HeadCount;

    /// <summary>The real model's chat template (its tokenizer_config.json ships it, not tokenizer.json), or null.</summary>
    public string? ReadChatTemplate()
    {
        if (ChatTemplateResource is null)
        {
            return null;
        }

        using var stream = typeof(SyntheticModelSpec).Assembly.GetManifestResourceStream($"Gateway.Engine.Gguf.Synthetic.{ChatTemplateResource}")
            ?? throw new InvalidOperationException($"embedded chat template {ChatTemplateResource} is missing");
        return new StreamReader(stream).ReadToEnd();
    }
}

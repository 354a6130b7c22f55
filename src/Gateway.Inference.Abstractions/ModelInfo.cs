namespace Gateway.Inference;

/// <summary>What the rest of the gateway needs to know about a loaded model.</summary>
/// <param name="Name">Served model id (defaults to the file name without extension).</param>
/// <param name="Architecture">GGUF <c>general.architecture</c>, e.g. "llama", "qwen2".</param>
/// <param name="ChatTemplate">The model's <c>tokenizer.chat_template</c>, or null when it has none.</param>
public sealed record ModelInfo(
    string Name,
    string Architecture,
    int VocabSize,
    int ContextLength,
    long ParameterCount,
    string WeightTypeSummary,
    string? ChatTemplate,
    string FilePath)
{
    /// <summary>Which engine runs the model, as <c>/v1/models</c> reports it: "gguf" (our own) or "onnxruntime".</summary>
    public string Engine { get; init; } = "gguf";
}

using System.Text.Json;

namespace Gateway.Tokenizers;

/// <summary>
/// The special-token names of a Hugging Face <c>tokenizer_config.json</c>, when one sits beside the
/// <c>tokenizer.json</c> (as <c>tokenizer_config.json</c>, or <c>NAME.tokenizer_config.json</c> for <c>NAME.tokenizer.json</c>).
/// </summary>
internal sealed record HuggingFaceTokenizerJsonConfig(
    string? BosToken, string? EosToken, string? UnknownToken, string? PadToken, bool? AddBosToken)
{
    public static HuggingFaceTokenizerJsonConfig? FindBeside(string tokenizerJsonPath)
    {
        var fullPath = Path.GetFullPath(tokenizerJsonPath);
        var directory = Path.GetDirectoryName(fullPath)!;
        var name = Path.GetFileName(tokenizerJsonPath);
        string[] candidates =
        [
            Path.Combine(directory, name.Replace("tokenizer.json", "tokenizer_config.json", StringComparison.Ordinal)),
            Path.Combine(directory, "tokenizer_config.json"),
        ];
        var path = candidates.FirstOrDefault(p => p != fullPath && File.Exists(p));
        if (path is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;
        return new HuggingFaceTokenizerJsonConfig(
            TokenText(root, "bos_token"),
            TokenText(root, "eos_token"),
            TokenText(root, "unk_token"),
            TokenText(root, "pad_token"),
            root.TryGetProperty("add_bos_token", out var add) && add.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? add.GetBoolean()
                : null);
    }

    /// <summary>A special token is written either as its text or as an object with a "content" field.</summary>
    private static string? TokenText(JsonElement root, string key) =>
        !root.TryGetProperty(key, out var value) ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : value.ValueKind == JsonValueKind.Object && value.TryGetProperty("content", out var content) ? content.GetString()
        : null;
}

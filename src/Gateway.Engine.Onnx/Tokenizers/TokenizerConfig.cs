using System.Text.Json;

namespace Gateway.Engine.Onnx.Tokenizers;

/// <summary>The parts of <c>tokenizer_config.json</c> the gateway uses: special token texts, BOS policy, chat template.</summary>
internal sealed record TokenizerConfig(string? BosToken, string? EosToken, string? PadToken, bool? AddBosToken, string? ChatTemplate)
{
    public static TokenizerConfig Read(string directory)
    {
        var path = Path.Combine(directory, TokenizerJsonWriter.ConfigFile);
        if (!File.Exists(path))
        {
            return new TokenizerConfig(null, null, null, null, null);
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;
        return new TokenizerConfig(
            Token(root, "bos_token"),
            Token(root, "eos_token"),
            Token(root, "pad_token"),
            root.TryGetProperty("add_bos_token", out var add) && add.ValueKind is JsonValueKind.True or JsonValueKind.False ? add.GetBoolean() : null,
            root.TryGetProperty("chat_template", out var template) && template.ValueKind == JsonValueKind.String ? template.GetString() : null);
    }

    private static string? Token(JsonElement root, string key) =>
        !root.TryGetProperty(key, out var value) ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : value.ValueKind == JsonValueKind.Object && value.TryGetProperty("content", out var content) ? content.GetString()
        : null;
}

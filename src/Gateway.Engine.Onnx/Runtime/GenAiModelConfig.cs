using System.Text.Json;
using Gateway.Gguf;
using Gateway.Inference;

namespace Gateway.Engine.Onnx.Runtime;

/// <summary>
/// What the runner reads from a GenAI model folder's <c>genai_config.json</c>: the decoder file, its shape and its
/// input/output names (the official model builder's folders and ours write the same keys).
/// </summary>
internal sealed record GenAiModelConfig(
    string Directory,
    string ModelType,
    string DecoderFile,
    int ContextLength,
    int VocabSize,
    int BosId,
    int[] EosIds,
    int HeadSize,
    int Heads,
    int KvHeads,
    int Layers,
    string InputIdsName,
    string AttentionMaskName,
    string? PositionIdsName,
    string PastKeyPattern,
    string PastValuePattern,
    string LogitsName,
    string PresentKeyPattern,
    string PresentValuePattern)
{
    public const string FileName = "genai_config.json";

    public string DecoderPath => Path.Combine(Directory, DecoderFile);

    public string PastKey(int layer) => Name(PastKeyPattern, layer);

    public string PastValue(int layer) => Name(PastValuePattern, layer);

    public string PresentKey(int layer) => Name(PresentKeyPattern, layer);

    public string PresentValue(int layer) => Name(PresentValuePattern, layer);

    /// <summary>Whether <paramref name="path"/> is a folder holding a genai_config.json (so the ONNX engine serves it).</summary>
    public static bool IsModelFolder(string path) => System.IO.Directory.Exists(path) && File.Exists(Path.Combine(path, FileName));

    public static GenAiModelConfig Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!System.IO.Directory.Exists(directory))
        {
            throw new ModelLoadException(directory, "model folder not found");
        }

        if (!File.Exists(path))
        {
            throw new ModelLoadException(directory, $"not an ONNX Runtime GenAI model folder: no {FileName}");
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var model = document.RootElement.GetProperty("model");
            var decoder = model.GetProperty("decoder");
            var inputs = decoder.GetProperty("inputs");
            var outputs = decoder.GetProperty("outputs");
            var filename = decoder.GetProperty("filename").GetString()!;
            var config = new GenAiModelConfig(
                directory,
                model.TryGetProperty("type", out var type) ? type.GetString() ?? "unknown" : "unknown",
                filename,
                model.GetProperty("context_length").GetInt32(),
                model.GetProperty("vocab_size").GetInt32(),
                model.TryGetProperty("bos_token_id", out var bos) && bos.ValueKind == JsonValueKind.Number ? bos.GetInt32() : -1,
                ReadIds(model, "eos_token_id"),
                decoder.GetProperty("head_size").GetInt32(),
                decoder.GetProperty("num_attention_heads").GetInt32(),
                decoder.GetProperty("num_key_value_heads").GetInt32(),
                decoder.GetProperty("num_hidden_layers").GetInt32(),
                Text(inputs, "input_ids", "input_ids"),
                Text(inputs, "attention_mask", "attention_mask"),
                inputs.TryGetProperty("position_ids", out var position) ? position.GetString() : null,
                Text(inputs, "past_key_names", "past_key_values.%d.key"),
                Text(inputs, "past_value_names", "past_key_values.%d.value"),
                Text(outputs, "logits", "logits"),
                Text(outputs, "present_key_names", "present.%d.key"),
                Text(outputs, "present_value_names", "present.%d.value"));
            if (config.Layers <= 0 || config.Heads <= 0 || config.KvHeads <= 0 || config.HeadSize <= 0 || config.VocabSize <= 0)
            {
                throw new ModelLoadException(path, "num_hidden_layers, num_attention_heads, num_key_value_heads, head_size and vocab_size must be positive");
            }

            if (!File.Exists(config.DecoderPath))
            {
                throw new ModelLoadException(directory, $"decoder file '{filename}' named by {FileName} is missing");
            }

            return config;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new ModelLoadException(path, $"unreadable {FileName}: {ex.Message}", ex);
        }
    }

    private static string Name(string pattern, int layer) =>
        pattern.Replace("%d", layer.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private static string Text(JsonElement section, string key, string fallback) =>
        section.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : fallback;

    /// <summary>eos_token_id is a number or, in newer configs, a list of numbers.</summary>
    private static int[] ReadIds(JsonElement model, string key) =>
        !model.TryGetProperty(key, out var value) ? []
        : value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray().Select(e => e.GetInt32())]
        : value.ValueKind == JsonValueKind.Number ? [value.GetInt32()]
        : [];
}

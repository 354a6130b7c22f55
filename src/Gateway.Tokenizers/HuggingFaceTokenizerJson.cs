using System.Text.Json;
using Gateway.Inference;

namespace Gateway.Tokenizers;

/// <summary>
/// Converts a Hugging Face <c>tokenizer.json</c> holding a byte-level BPE model into GGUF tokenizer metadata, the way
/// llama.cpp's converter does: tokens by id (gaps become unused "[PADn]" entries), added special tokens as control
/// tokens, merges as "left right" strings.
/// </summary>
public static class HuggingFaceTokenizerJson
{
    // Without a tokenizer_config.json beside the file, the special ids are found by the conventional token texts.
    private static readonly string[] BosCandidates = ["<s>", "<|begin_of_text|>", "<bos>", "<|startoftext|>", "<|im_start|>", "<|endoftext|>"];
    private static readonly string[] EosCandidates = ["</s>", "<|end_of_text|>", "<eos>", "<|im_end|>", "<|eot_id|>", "<|endoftext|>"];
    private static readonly string[] UnknownCandidates = ["<unk>", "<|endoftext|>"];
    private static readonly string[] PaddingCandidates = ["<pad>", "<|pad|>"];

    /// <summary>Reads <paramref name="tokenizerJsonPath"/>; <paramref name="pre"/> becomes <c>tokenizer.ggml.pre</c>.</summary>
    public static GgufTokenizerMetadata Convert(string tokenizerJsonPath, string pre)
    {
        ArgumentNullException.ThrowIfNull(tokenizerJsonPath);
        ArgumentNullException.ThrowIfNull(pre);
        if (!File.Exists(tokenizerJsonPath))
        {
            throw new ModelLoadException(tokenizerJsonPath, "file not found");
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(tokenizerJsonPath));
            return Convert(document.RootElement, tokenizerJsonPath, pre, HuggingFaceTokenizerJsonConfig.FindBeside(tokenizerJsonPath));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new ModelLoadException(tokenizerJsonPath, $"not a usable tokenizer.json: {ex.Message}", ex);
        }
    }

    private static GgufTokenizerMetadata Convert(JsonElement root, string path, string pre, HuggingFaceTokenizerJsonConfig? config)
    {
        var model = root.GetProperty("model");
        var modelType = model.TryGetProperty("type", out var t) ? t.GetString() : null;
        if (modelType != "BPE" || !UsesByteLevel(root))
        {
            throw new ModelLoadException(path, $"only byte-level BPE tokenizers can be converted (model type '{modelType}')");
        }

        var byId = new Dictionary<int, string>();
        foreach (var entry in model.GetProperty("vocab").EnumerateObject())
        {
            byId[entry.Value.GetInt32()] = entry.Name;
        }

        var addedTypes = new Dictionary<int, TokenType>();
        if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
        {
            foreach (var token in added.EnumerateArray())
            {
                var id = token.GetProperty("id").GetInt32();
                var content = token.GetProperty("content").GetString()!;
                byId[id] = content;
                var special = token.TryGetProperty("special", out var s) && s.ValueKind == JsonValueKind.True;
                addedTypes[id] = special || LooksSpecial(content) ? TokenType.Control : TokenType.UserDefined;
            }
        }

        var count = byId.Count == 0 ? 0 : byId.Keys.Max() + 1;
        var tokens = new string[count];
        var types = new int[count];
        for (var id = 0; id < count; id++)
        {
            if (byId.TryGetValue(id, out var text))
            {
                tokens[id] = text;
                types[id] = (int)(addedTypes.TryGetValue(id, out var type) ? type : TokenType.Normal);
            }
            else
            {
                tokens[id] = $"[PAD{id}]";
                types[id] = (int)TokenType.Unused;
            }
        }

        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var id = 0; id < count; id++)
        {
            ids.TryAdd(tokens[id], id);
        }

        int Find(string? configured, string[] candidates)
        {
            if (configured is not null)
            {
                return ids.TryGetValue(configured, out var id) ? id : -1;
            }

            foreach (var candidate in candidates)
            {
                if (ids.TryGetValue(candidate, out var id))
                {
                    return id;
                }
            }

            return -1;
        }

        var unkToken = model.TryGetProperty("unk_token", out var unk) && unk.ValueKind == JsonValueKind.String ? unk.GetString() : null;
        var eos = Find(config?.EosToken, EosCandidates);
        var padding = Find(config?.PadToken, PaddingCandidates);
        return new GgufTokenizerMetadata
        {
            Model = "gpt2",
            Pre = pre,
            Tokens = tokens,
            TokenTypes = types,
            Merges = ReadMerges(model.GetProperty("merges")),
            BosId = Find(config?.BosToken, BosCandidates),
            EosId = eos,
            UnknownId = Find(config?.UnknownToken ?? unkToken, UnknownCandidates),
            PaddingId = padding >= 0 ? padding : eos,
            AddBos = config?.AddBosToken ?? false,
        };
    }

    /// <summary>Merges are "a b" strings in older files and ["a", "b"] pairs in newer ones.</summary>
    private static string[] ReadMerges(JsonElement merges) =>
        [.. merges.EnumerateArray().Select(m => m.ValueKind == JsonValueKind.Array
            ? $"{m[0].GetString()} {m[1].GetString()}"
            : m.GetString()!)];

    private static bool UsesByteLevel(JsonElement root)
    {
        static bool IsByteLevel(JsonElement element) =>
            element.ValueKind == JsonValueKind.Object
            && ((element.TryGetProperty("type", out var type) && type.GetString() == "ByteLevel")
                || (element.TryGetProperty("pretokenizers", out var inner) && inner.EnumerateArray().Any(IsByteLevel)));

        return (root.TryGetProperty("pre_tokenizer", out var preTokenizer) && IsByteLevel(preTokenizer))
            || (root.TryGetProperty("decoder", out var decoder) && IsByteLevel(decoder));
    }

    /// <summary>Added tokens some models forget to flag as special, recognised by shape as llama.cpp's converter does.</summary>
    private static bool LooksSpecial(string content) =>
        (content.StartsWith("<|", StringComparison.Ordinal) && content.EndsWith("|>", StringComparison.Ordinal))
        || (content.StartsWith("<｜", StringComparison.Ordinal) && content.EndsWith("｜>", StringComparison.Ordinal));
}

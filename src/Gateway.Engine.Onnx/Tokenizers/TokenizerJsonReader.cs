using System.Text.Json;
using Gateway.Gguf;
using Gateway.Inference;
using Gateway.Tokenizers;

namespace Gateway.Engine.Onnx.Tokenizers;

/// <summary>
/// Builds our tokenizer from a model folder's <c>tokenizer.json</c> (+ <c>tokenizer_config.json</c>), so a served ONNX
/// model tokenizes exactly as the same model served from GGUF. Both Hugging Face shapes the exporter writes (and the
/// official model builder copies) are read back: BPE with byte fallback (SentencePiece) and byte-level BPE.
/// </summary>
internal static class TokenizerJsonReader
{
    public static ITokenizer Load(string directory, int bosFallback, int eosFallback)
    {
        var path = Path.Combine(directory, TokenizerJsonWriter.TokenizerFile);
        if (!File.Exists(path))
        {
            throw new ModelLoadException(directory, $"model folder has no {TokenizerJsonWriter.TokenizerFile}");
        }

        GgufTokenizerMetadata metadata;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            var model = root.GetProperty("model");
            if (model.GetProperty("type").GetString() != "BPE")
            {
                throw new ModelLoadException(path, $"only BPE tokenizers can be served (model type '{model.GetProperty("type").GetString()}')");
            }

            metadata = model.TryGetProperty("byte_fallback", out var fallback) && fallback.ValueKind == JsonValueKind.True
                ? SentencePiece(root, model, TokenizerConfig.Read(directory), bosFallback, eosFallback)
                : HuggingFaceTokenizerJson.Convert(path, PreTokenizerName(root, path));
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new ModelLoadException(path, $"not a usable tokenizer.json: {ex.Message}", ex);
        }

        return Build(metadata, path);
    }

    /// <summary>Our tokenizers are built from GGUF metadata; a vocabulary-only GGUF in a temporary file carries it there.</summary>
    private static ITokenizer Build(GgufTokenizerMetadata metadata, string path)
    {
        var writer = new GgufWriter();
        writer.Set("general.architecture", "llama");
        metadata.WriteTo(writer);
        var temp = Path.Combine(Path.GetTempPath(), $"gateway-tokenizer-{Guid.NewGuid():N}.gguf");
        try
        {
            writer.Save(temp);
            using var file = GgufFile.Open(temp);
            return TokenizerFactory.FromGguf(file);
        }
        catch (ModelLoadException ex)
        {
            throw new ModelLoadException(path, ex.Message.Replace(temp, "", StringComparison.Ordinal).TrimStart(':', ' '), ex);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static GgufTokenizerMetadata SentencePiece(JsonElement root, JsonElement model, TokenizerConfig config, int bosFallback, int eosFallback)
    {
        var byId = new Dictionary<int, string>();
        foreach (var entry in model.GetProperty("vocab").EnumerateObject())
        {
            byId[entry.Value.GetInt32()] = entry.Name;
        }

        var special = new Dictionary<int, bool>();
        if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
        {
            foreach (var token in added.EnumerateArray())
            {
                var id = token.GetProperty("id").GetInt32();
                byId[id] = token.GetProperty("content").GetString()!;
                special[id] = token.TryGetProperty("special", out var s) && s.ValueKind == JsonValueKind.True;
            }
        }

        var count = byId.Keys.Max() + 1;
        var unk = model.TryGetProperty("unk_token", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
        var tokens = new string[count];
        var types = new int[count];
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var id = 0; id < count; id++)
        {
            tokens[id] = byId.TryGetValue(id, out var text) ? text : $"[PAD{id}]";
            ids.TryAdd(tokens[id], id);
            types[id] = (int)(!byId.ContainsKey(id) ? TokenType.Unused
                : tokens[id] == unk ? TokenType.Unknown
                : special.TryGetValue(id, out var isSpecial) ? (isSpecial ? TokenType.Control : TokenType.UserDefined)
                : IsByteToken(tokens[id]) ? TokenType.Byte
                : TokenType.Normal);
        }

        // SentencePiece merges by score: the rank of the first merge forming a token is its score (earlier = higher);
        // tokens no merge forms score below all of them.
        var scores = new float[count];
        var merges = model.GetProperty("merges");
        var rank = 0;
        var lowest = -(float)merges.GetArrayLength() - 1;
        Array.Fill(scores, lowest);
        foreach (var merge in merges.EnumerateArray())
        {
            var (left, right) = merge.ValueKind == JsonValueKind.Array
                ? (merge[0].GetString()!, merge[1].GetString()!)
                : Split(merge.GetString()!);
            if (ids.TryGetValue(left + right, out var merged) && scores[merged] == lowest)
            {
                scores[merged] = -rank;
            }

            rank++;
        }

        int Find(string? text, int fallback) => text is not null && ids.TryGetValue(text, out var id) ? id : fallback;
        return new GgufTokenizerMetadata
        {
            Model = "llama",
            Tokens = tokens,
            TokenTypes = types,
            Scores = scores,
            BosId = Find(config.BosToken, bosFallback),
            EosId = Find(config.EosToken, eosFallback),
            UnknownId = Find(unk, -1),
            PaddingId = Find(config.PadToken, -1),
            AddBos = config.AddBosToken ?? true,
        };
    }

    private static (string Left, string Right) Split(string merge)
    {
        var space = merge.IndexOf(' ', StringComparison.Ordinal);
        return (merge[..space], merge[(space + 1)..]);
    }

    private static bool IsByteToken(string text) =>
        text.Length == 6 && text.StartsWith("<0x", StringComparison.Ordinal) && text[5] == '>';

    /// <summary>
    /// The <c>tokenizer.ggml.pre</c> name whose expressions the file's pre-tokenizer applies: its Split expressions, then
    /// GPT-2's when the ByteLevel step splits itself (use_regex), compared with every family llama.cpp knows.
    /// </summary>
    private static string PreTokenizerName(JsonElement root, string path)
    {
        var patterns = new List<string>();
        void Collect(JsonElement step)
        {
            if (step.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            switch (step.TryGetProperty("type", out var t) ? t.GetString() : null)
            {
                case "Sequence":
                    foreach (var inner in step.GetProperty("pretokenizers").EnumerateArray())
                    {
                        Collect(inner);
                    }

                    break;
                case "Digits":
                    patterns.Add(step.TryGetProperty("individual_digits", out var single) && single.ValueKind == JsonValueKind.True ? @"\p{N}" : @"\p{N}+");
                    break;
                case "Split" when step.GetProperty("pattern").TryGetProperty("Regex", out var regex):
                    patterns.Add(regex.GetString()!);
                    break;
                case "ByteLevel" when !step.TryGetProperty("use_regex", out var use) || use.ValueKind != JsonValueKind.False:
                    patterns.Add(BpePreTokenizerPatterns.For(BpePreTokenizerKind.Gpt2)[0]);
                    break;
            }
        }

        if (root.TryGetProperty("pre_tokenizer", out var pre))
        {
            Collect(pre);
        }

        foreach (var (kind, name) in KnownKinds)
        {
            if (BpePreTokenizerPatterns.For(kind).SequenceEqual(patterns))
            {
                return name;
            }
        }

        throw new ModelLoadException(path, $"pre-tokenizer expressions not recognised ({patterns.Count} expressions; known families: {string.Join(", ", KnownKinds.Select(k => k.Name))})");
    }

    private static readonly (BpePreTokenizerKind Kind, string Name)[] KnownKinds =
    [
        (BpePreTokenizerKind.Gpt2, "gpt2"),
        (BpePreTokenizerKind.Llama3, "llama-bpe"),
        (BpePreTokenizerKind.Qwen2, "qwen2"),
        (BpePreTokenizerKind.StarCoder, "smollm"),
        (BpePreTokenizerKind.DeepSeekLlm, "deepseek-llm"),
        (BpePreTokenizerKind.DeepSeekCoder, "deepseek-coder"),
        (BpePreTokenizerKind.Falcon, "falcon"),
        (BpePreTokenizerKind.Bloom, "bloom"),
        (BpePreTokenizerKind.Default, "default"),
    ];
}

using System.Text.Encodings.Web;
using System.Text.Json;
using Gateway.Gguf;
using Gateway.Inference;
using Gateway.Tokenizers;

namespace Gateway.Engine.Onnx.Tokenizers;

/// <summary>
/// Writes <c>tokenizer.json</c> and <c>tokenizer_config.json</c> in Hugging Face's format from a GGUF vocabulary, so
/// ONNX Runtime GenAI (and any Hugging Face tokenizer) encodes as llama.cpp does: SentencePiece vocabularies become a
/// BPE model with byte fallback, a "▁" prepend/replace normalizer and merges ranked by score; byte-level BPE keeps its
/// merges and gets its pre-tokenizer expressions as Split steps before the ByteLevel step.
/// </summary>
internal static class TokenizerJsonWriter
{
    public const string TokenizerFile = "tokenizer.json";
    public const string ConfigFile = "tokenizer_config.json";

    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(GgufVocabulary vocab, string directory, int contextLength, string sourcePath)
    {
        var spm = vocab.Model == "llama";
        string[] patterns = [];
        var ignoreMerges = false;
        if (!spm)
        {
            var settings = BpePreTokenizerPatterns.Resolve(vocab.Pre)
                ?? throw new ModelLoadException(sourcePath, $"unknown pre-tokenizer '{vocab.Pre}' (tokenizer.ggml.pre)");
            patterns = BpePreTokenizerPatterns.For(settings.Kind);
            ignoreMerges = settings.IgnoreMerges;
        }

        using (var stream = File.Create(Path.Combine(directory, TokenizerFile)))
        using (var json = new Utf8JsonWriter(stream, Options))
        {
            json.WriteStartObject();
            json.WriteString("version", "1.0");
            json.WriteNull("truncation");
            json.WriteNull("padding");
            WriteAddedTokens(json, vocab);
            if (spm)
            {
                WriteSentencePieceSteps(json, vocab);
            }
            else
            {
                WriteByteLevelSteps(json, vocab, patterns);
            }

            json.WriteStartObject("model");
            json.WriteString("type", "BPE");
            json.WriteNull("dropout");
            if (vocab.TokenOrNull(vocab.UnknownId) is { } unk)
            {
                json.WriteString("unk_token", unk);
            }
            else
            {
                json.WriteNull("unk_token");
            }

            json.WriteNull("continuing_subword_prefix");
            json.WriteNull("end_of_word_suffix");
            json.WriteBoolean("fuse_unk", spm);
            json.WriteBoolean("byte_fallback", spm);
            json.WriteBoolean("ignore_merges", ignoreMerges);
            json.WriteStartObject("vocab");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var id = 0; id < vocab.Tokens.Length; id++)
            {
                // A text listed twice keeps its first id, as both tokenizers look texts up.
                if (seen.Add(vocab.Tokens[id]))
                {
                    json.WriteNumber(vocab.Tokens[id], id);
                }
            }

            json.WriteEndObject();
            json.WriteStartArray("merges");
            // Pairs as arrays (the current format): a token holding a non-ASCII space cannot be split out of "a b".
            foreach (var merge in spm ? SentencePieceMerges.FromScores(vocab.Tokens, vocab.Types, vocab.Scores) : vocab.Merges)
            {
                var space = merge.IndexOf(' ', StringComparison.Ordinal);
                json.WriteStartArray();
                json.WriteStringValue(merge.AsSpan(0, space));
                json.WriteStringValue(merge.AsSpan(space + 1));
                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        WriteConfig(vocab, directory, contextLength, spm);
    }

    private static void WriteAddedTokens(Utf8JsonWriter json, GgufVocabulary vocab)
    {
        json.WriteStartArray("added_tokens");
        for (var id = 0; id < vocab.Tokens.Length; id++)
        {
            var type = vocab.Types[id];
            if (type is not (TokenType.Control or TokenType.Unknown or TokenType.UserDefined))
            {
                continue;
            }

            json.WriteStartObject();
            json.WriteNumber("id", id);
            json.WriteString("content", vocab.Tokens[id]);
            json.WriteBoolean("single_word", false);
            json.WriteBoolean("lstrip", false);
            json.WriteBoolean("rstrip", false);
            json.WriteBoolean("normalized", false);
            json.WriteBoolean("special", type != TokenType.UserDefined);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteSentencePieceSteps(Utf8JsonWriter json, GgufVocabulary vocab)
    {
        json.WriteStartObject("normalizer");
        json.WriteString("type", "Sequence");
        json.WriteStartArray("normalizers");
        if (vocab.AddSpacePrefix)
        {
            json.WriteStartObject();
            json.WriteString("type", "Prepend");
            json.WriteString("prepend", "\u2581");
            json.WriteEndObject();
        }

        json.WriteStartObject();
        json.WriteString("type", "Replace");
        json.WriteStartObject("pattern");
        json.WriteString("String", " ");
        json.WriteEndObject();
        json.WriteString("content", "\u2581");
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteNull("pre_tokenizer");
        WritePostProcessor(json, vocab, byteLevel: false);

        json.WriteStartObject("decoder");
        json.WriteString("type", "Sequence");
        json.WriteStartArray("decoders");
        json.WriteStartObject();
        json.WriteString("type", "Replace");
        json.WriteStartObject("pattern");
        json.WriteString("String", "\u2581");
        json.WriteEndObject();
        json.WriteString("content", " ");
        json.WriteEndObject();
        json.WriteStartObject();
        json.WriteString("type", "ByteFallback");
        json.WriteEndObject();
        json.WriteStartObject();
        json.WriteString("type", "Fuse");
        json.WriteEndObject();
        if (vocab.AddSpacePrefix)
        {
            json.WriteStartObject();
            json.WriteString("type", "Strip");
            json.WriteString("content", " ");
            json.WriteNumber("start", 1);
            json.WriteNumber("stop", 0);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteByteLevelSteps(Utf8JsonWriter json, GgufVocabulary vocab, string[] patterns)
    {
        json.WriteNull("normalizer");
        json.WriteStartObject("pre_tokenizer");
        json.WriteString("type", "Sequence");
        json.WriteStartArray("pretokenizers");
        // GPT-2's own expression is what the ByteLevel step applies with use_regex; Hugging Face files write it that way.
        var gpt2Last = patterns.Length > 0 && patterns[^1] == BpePreTokenizerPatterns.For(BpePreTokenizerKind.Gpt2)[0];
        foreach (var pattern in gpt2Last ? patterns[..^1] : patterns)
        {
            // Digit splitting is written as Hugging Face's own Digits step, which GenAI's tokenizer reads as llama.cpp splits.
            if (pattern is @"\p{N}" or @"\p{N}+")
            {
                json.WriteStartObject();
                json.WriteString("type", "Digits");
                json.WriteBoolean("individual_digits", pattern == @"\p{N}");
                json.WriteEndObject();
                continue;
            }

            json.WriteStartObject();
            json.WriteString("type", "Split");
            json.WriteStartObject("pattern");
            json.WriteString("Regex", pattern);
            json.WriteEndObject();
            json.WriteString("behavior", "Isolated");
            json.WriteBoolean("invert", false);
            json.WriteEndObject();
        }

        json.WriteStartObject();
        json.WriteString("type", "ByteLevel");
        json.WriteBoolean("add_prefix_space", false);
        json.WriteBoolean("trim_offsets", true);
        json.WriteBoolean("use_regex", gpt2Last);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        WritePostProcessor(json, vocab, byteLevel: true);
        json.WriteStartObject("decoder");
        json.WriteString("type", "ByteLevel");
        json.WriteBoolean("add_prefix_space", true);
        json.WriteBoolean("trim_offsets", true);
        json.WriteBoolean("use_regex", true);
        json.WriteEndObject();
    }

    private static void WritePostProcessor(Utf8JsonWriter json, GgufVocabulary vocab, bool byteLevel)
    {
        if (!vocab.AddBos || vocab.TokenOrNull(vocab.BosId) is not { } bos)
        {
            if (byteLevel)
            {
                json.WriteStartObject("post_processor");
                json.WriteString("type", "ByteLevel");
                json.WriteBoolean("add_prefix_space", true);
                json.WriteBoolean("trim_offsets", false);
                json.WriteBoolean("use_regex", true);
                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("post_processor");
            }

            return;
        }

        json.WriteStartObject("post_processor");
        json.WriteString("type", "TemplateProcessing");
        foreach (var (key, pair) in new[] { ("single", false), ("pair", true) })
        {
            json.WriteStartArray(key);
            WriteSpecial(json, bos, 0);
            WriteSequence(json, "A", 0);
            if (pair)
            {
                WriteSpecial(json, bos, 1);
                WriteSequence(json, "B", 1);
            }

            json.WriteEndArray();
        }

        json.WriteStartObject("special_tokens");
        json.WriteStartObject(bos);
        json.WriteString("id", bos);
        json.WriteStartArray("ids");
        json.WriteNumberValue(vocab.BosId);
        json.WriteEndArray();
        json.WriteStartArray("tokens");
        json.WriteStringValue(bos);
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteSpecial(Utf8JsonWriter json, string token, int typeId)
    {
        json.WriteStartObject();
        json.WriteStartObject("SpecialToken");
        json.WriteString("id", token);
        json.WriteNumber("type_id", typeId);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteSequence(Utf8JsonWriter json, string id, int typeId)
    {
        json.WriteStartObject();
        json.WriteStartObject("Sequence");
        json.WriteString("id", id);
        json.WriteNumber("type_id", typeId);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteConfig(GgufVocabulary vocab, string directory, int contextLength, bool spm)
    {
        using var stream = File.Create(Path.Combine(directory, ConfigFile));
        using var json = new Utf8JsonWriter(stream, Options);
        json.WriteStartObject();
        json.WriteBoolean("add_bos_token", vocab.AddBos);
        json.WriteBoolean("add_eos_token", false);
        WriteToken(json, "bos_token", vocab.TokenOrNull(vocab.BosId));
        WriteToken(json, "eos_token", vocab.TokenOrNull(vocab.EosId));
        WriteToken(json, "unk_token", vocab.TokenOrNull(vocab.UnknownId));
        WriteToken(json, "pad_token", vocab.TokenOrNull(vocab.PaddingId));
        if (vocab.ChatTemplate is not null)
        {
            json.WriteString("chat_template", vocab.ChatTemplate);
        }

        json.WriteBoolean("clean_up_tokenization_spaces", false);
        json.WriteNumber("model_max_length", contextLength);
        if (spm)
        {
            json.WriteBoolean("legacy", true);
        }

        json.WriteString("tokenizer_class", spm ? "LlamaTokenizer" : "GPT2Tokenizer");
        json.WriteEndObject();
    }

    private static void WriteToken(Utf8JsonWriter json, string key, string? token)
    {
        if (token is null)
        {
            json.WriteNull(key);
        }
        else
        {
            json.WriteString(key, token);
        }
    }
}

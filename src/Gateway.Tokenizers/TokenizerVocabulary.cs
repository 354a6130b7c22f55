using System.Collections.Frozen;
using Gateway.Gguf;
using Gateway.Inference;

namespace Gateway.Tokenizers;

/// <summary>
/// The model-independent part of a GGUF vocabulary: token texts, kinds and scores, text-to-id lookup (also by span, so
/// the encoders never allocate a string to look a candidate up), the special ids and the end-of-generation set.
/// </summary>
internal sealed class TokenizerVocabulary
{
    // Texts llama.cpp treats as ending a turn; a control token with one of them stops generation like EOS does.
    private static readonly string[] EndOfGenerationTexts =
        ["<|im_end|>", "<|eot_id|>", "<|end|>", "<|endoftext|>", "</s>", "<end_of_turn>", "<|end_of_text|>", "<|eom_id|>"];

    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _idsBySpan;

    private TokenizerVocabulary(
        string[] texts, TokenType[] types, float[] scores, Dictionary<string, int> ids, SpecialIds specials,
        bool addBos, bool addSpacePrefix, FrozenSet<int> endOfGeneration)
    {
        Texts = texts;
        Types = types;
        Scores = scores;
        _ids = ids;
        _idsBySpan = ids.GetAlternateLookup<ReadOnlySpan<char>>();
        BosId = specials.Bos;
        EosId = specials.Eos;
        UnknownId = specials.Unknown;
        AddBos = addBos;
        AddSpacePrefix = addSpacePrefix;
        EndOfGenerationIds = endOfGeneration;
    }

    public string[] Texts { get; }

    public TokenType[] Types { get; }

    public float[] Scores { get; }

    public int Count => Texts.Length;

    public int BosId { get; }

    public int EosId { get; }

    public int UnknownId { get; }

    public bool AddBos { get; }

    public bool AddSpacePrefix { get; }

    public FrozenSet<int> EndOfGenerationIds { get; }

    /// <summary>The default ids and flags a tokenizer family assumes when the file does not state them.</summary>
    internal readonly record struct Defaults(int Bos, int Eos, int Unknown, bool AddBos, bool AddSpacePrefix);

    private readonly record struct SpecialIds(int Bos, int Eos, int Unknown);

    public static TokenizerVocabulary Load(GgufMetadata metadata, string path, Defaults defaults)
    {
        // A copy: the metadata's array is shared with everyone reading the file, and empty entries get renamed below.
        var texts = (string[])metadata.GetArray<string>("tokenizer.ggml.tokens").Clone();
        if (texts.Length == 0)
        {
            throw new ModelLoadException(path, "tokenizer.ggml.tokens is empty");
        }

        var scores = metadata.GetArrayOrDefault<float>("tokenizer.ggml.scores") ?? new float[texts.Length];
        var rawTypes = metadata.GetArrayOrDefault<int>("tokenizer.ggml.token_type");
        if (scores.Length < texts.Length || (rawTypes is not null && rawTypes.Length < texts.Length))
        {
            throw new ModelLoadException(path, "tokenizer.ggml.scores / token_type are shorter than tokenizer.ggml.tokens");
        }

        var types = new TokenType[texts.Length];
        var ids = new Dictionary<string, int>(texts.Length, StringComparer.Ordinal);
        for (var i = 0; i < texts.Length; i++)
        {
            types[i] = rawTypes is null ? TokenType.Normal
                : Enum.IsDefined((TokenType)rawTypes[i]) ? (TokenType)rawTypes[i] : TokenType.Undefined;

            // llama.cpp renames empty entries so they stay addressable and cannot match empty input.
            if (texts[i].Length == 0)
            {
                texts[i] = $"[EMPTY_{i}]";
            }

            // Later duplicates win, as in the llama.cpp build the golden ids come from.
            ids[texts[i]] = i;
        }

        var specials = new SpecialIds(
            SpecialId(metadata, "tokenizer.ggml.bos_token_id", defaults.Bos, texts.Length),
            SpecialId(metadata, "tokenizer.ggml.eos_token_id", defaults.Eos, texts.Length),
            SpecialId(metadata, "tokenizer.ggml.unknown_token_id", defaults.Unknown, texts.Length));

        var endOfGeneration = new HashSet<int>();
        foreach (var key in (string[])["tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id"])
        {
            var id = SpecialId(metadata, key, -1, texts.Length);
            if (id >= 0)
            {
                endOfGeneration.Add(id);
            }
        }

        if (specials.Eos >= 0)
        {
            endOfGeneration.Add(specials.Eos);
        }

        foreach (var text in EndOfGenerationTexts)
        {
            if (ids.TryGetValue(text, out var id) && types[id] == TokenType.Control)
            {
                endOfGeneration.Add(id);
            }
        }

        var addBos = metadata.GetBoolOrDefault("tokenizer.ggml.add_bos_token", defaults.AddBos);
        if (addBos && specials.Bos < 0)
        {
            throw new ModelLoadException(path, "prompts start with BOS (tokenizer.ggml.add_bos_token or the tokenizer's default), but tokenizer.ggml.bos_token_id is missing");
        }

        return new TokenizerVocabulary(texts, types, scores, ids, specials, addBos,
            metadata.GetBoolOrDefault("tokenizer.ggml.add_space_prefix", defaults.AddSpacePrefix),
            endOfGeneration.ToFrozenSet());
    }

    public bool TryGetId(string text, out int id) => _ids.TryGetValue(text, out id);

    public bool TryGetId(ReadOnlySpan<char> text, out int id) => _idsBySpan.TryGetValue(text, out id);

    /// <summary>Control and unknown tokens: markup the model reads and writes, never content shown to a user.</summary>
    public bool IsControl(int id) => Types[CheckId(id)] is TokenType.Control or TokenType.Unknown;

    public int CheckId(int id) =>
        (uint)id < (uint)Texts.Length ? id : throw new ArgumentOutOfRangeException(nameof(id), id, $"token id outside the vocabulary of {Texts.Length}");

    /// <summary>
    /// The tokens whose text is matched verbatim in the input before normal tokenization, longest first (llama.cpp's
    /// special-token cache): control and unknown tokens only when special parsing is on, user-defined ones always.
    /// </summary>
    public int[] MatchableSpecialIds()
    {
        var result = new List<int>();
        for (var i = 0; i < Types.Length; i++)
        {
            if (Types[i] is TokenType.Control or TokenType.UserDefined or TokenType.Unknown)
            {
                result.Add(i);
            }
        }

        // Stable by id among equal lengths, so matching is deterministic.
        return [.. result.OrderByDescending(i => Texts[i].Length).ThenBy(i => i)];
    }

    private static int SpecialId(GgufMetadata metadata, string key, int fallback, int count)
    {
        var id = metadata.GetInt64OrDefault(key, fallback);
        if (id >= 0 && id < count)
        {
            return (int)id;
        }

        // An out-of-range stated id falls back to the default, as llama.cpp does; an out-of-range default means none.
        return fallback >= 0 && fallback < count ? fallback : -1;
    }
}

namespace Gateway.Tokenizers;

/// <summary>
/// Which expressions each <c>tokenizer.ggml.pre</c> name stands for, as llama.cpp's <c>llama-vocab.cpp</c> defines them
/// (its hand-written splitters for the GPT-2 and Llama 3 expressions behave as the expressions themselves).
/// </summary>
internal static class BpePreTokenizerPatterns
{
    private const string Gpt2 = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)";

    private const string Llama3 =
        @"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private const string Qwen2 =
        @"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    // DeepSeek's letter class (cased letters), minus its ranges beyond the Basic Multilingual Plane: .NET matches UTF-16
    // code units, so a character class cannot hold those (such letters fall through to the other expressions). Written
    // as escapes because several of these characters have canonical equivalents an editor may silently substitute.
    private const string DeepSeekLetters =
        @"\s?[A-Za-z\u00B5\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u01BA\u01BC-\u01BF\u01C4-\u0293\u0295-\u02AF\u0370-\u0373"
        + @"\u0376\u0377\u037B-\u037D\u037F\u0386\u0388-\u038A\u038C\u038E-\u03A1\u03A3-\u03F5\u03F7-\u0481\u048A-\u052F"
        + @"\u0531-\u0556\u10A0-\u10C5\u13A0-\u13F5\u13F8-\u13FD\u1C90-\u1CBA\u1CBD-\u1CBF\u1D00-\u1D2B\u1D6B-\u1D77"
        + @"\u1D79-\u1D9A\u1E00-\u1F15\u1F18-\u1F1D\u1F20-\u1F45\u1F48-\u1F4D\u1F50-\u1F57\u1F59\u1F5B\u1F5D\u1F5F-\u1F7D"
        + @"\u1F80-\u1FB4\u1FB6-\u1FBC\u1FBE\u1FC2-\u1FC4\u1FC6-\u1FCC\u1FD0-\u1FD3\u1FD6-\u1FDB\u1FE0-\u1FEC\u1FF2-\u1FF4"
        + @"\u1FF6-\u1FFC\u2102\u2107\u210A-\u2113\u2115\u2119-\u211D\u2124\u2126\u2128\u212A-\u212D\u212F-\u2134\u2139"
        + @"\u213C-\u213F\u2145-\u2149\u214E\u2183\u2184\u2C00-\u2C7B\u2C7E-\u2CE4\u2CEB-\u2CEE\u2CF2\u2CF3\uA640-\uA66D"
        + @"\uA680-\uA69B\uA722-\uA76F\uA771-\uA787\uA78B-\uA78E\uAB70-\uABBF\uFB00-\uFB06\uFB13-\uFB17\uFF21-\uFF3A\uFF41-\uFF5A]+";

    private const string DeepSeekPunctuation = @"\s?[!-/:-~\uFF01-\uFF0F\uFF1A-\uFF5E\u2018-\u201F\u3000-\u3002]+";

    private const string CjkAndHangul = @"[\u4E00-\u9FA5\u0800-\u4E00\uAC00-\uD7FF]+";

    /// <summary>Resolves a <c>tokenizer.ggml.pre</c> name (an absent name means <c>default</c>, as in llama.cpp).</summary>
    public static BpePreTokenizerSettings? Resolve(string? name) =>
        name switch
        {
            null or "" or "default" => new(BpePreTokenizerKind.Default),
            "llama3" or "llama-v3" or "llama-bpe" or "falcon3" or "falcon-h1" or "pixtral"
                => new(BpePreTokenizerKind.Llama3, IgnoreMerges: true, AddBosByDefault: true),
            "dbrx" or "smaug-bpe" or "chatglm-bpe" or "glm4" => new(BpePreTokenizerKind.Llama3),
            "qwen2" or "deepseek-r1-qwen" or "stablelm2" or "megrez" or "hunyuan" => new(BpePreTokenizerKind.Qwen2),
            "smollm" or "starcoder" or "refact" or "command-r" or "codeshell" or "exaone" or "minerva-7b"
                => new(BpePreTokenizerKind.StarCoder),
            "gpt2" or "gpt-2" or "phi-2" or "mpt" or "olmo" or "jais" or "jina-es" or "jina-de" or "jina-v2-es"
                or "jina-v2-de" or "jina-v1-en" or "jina-v2-code" or "roberta-bpe" or "gigachat" or "exaone4"
                => new(BpePreTokenizerKind.Gpt2),
            "deepseek-llm" => new(BpePreTokenizerKind.DeepSeekLlm),
            "deepseek-coder" => new(BpePreTokenizerKind.DeepSeekCoder),
            "falcon" => new(BpePreTokenizerKind.Falcon),
            "bloom" or "poro-chat" or "gpt3-finnish" => new(BpePreTokenizerKind.Bloom),
            _ => null,
        };

    public static string[] For(BpePreTokenizerKind kind) => kind switch
    {
        BpePreTokenizerKind.Default => [@"[\p{P}\$\+<=>\^~\|]+", Gpt2, @"\p{N}+", "[0-9][0-9][0-9]"],
        BpePreTokenizerKind.Gpt2 => [Gpt2],
        BpePreTokenizerKind.Llama3 => [Llama3],
        BpePreTokenizerKind.Qwen2 => [Qwen2],
        BpePreTokenizerKind.StarCoder => [@"\p{N}", Gpt2],
        BpePreTokenizerKind.DeepSeekLlm =>
            ["[\r\n]", DeepSeekLetters, DeepSeekPunctuation, @"\s+\z", CjkAndHangul, @"\p{N}+"],
        BpePreTokenizerKind.DeepSeekCoder => ["[\r\n]", @"\s?\p{L}+", @"\s?\p{P}+", CjkAndHangul, @"\p{N}"],
        BpePreTokenizerKind.Falcon => [@"[\p{P}\$\+<=>\^~\|`]+", Gpt2, "[0-9][0-9][0-9]"],
        BpePreTokenizerKind.Bloom => [@" ?[^(\s|.,!?…。，、।۔،)]+"],
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}

namespace Gateway.Engine.Vocab;

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

    // DeepSeek's letter class, minus its ranges beyond the Basic Multilingual Plane: .NET matches UTF-16 code units, so
    // a character class cannot hold those (their letters then fall through to the other expressions).
    private const string DeepSeekLetters =
        @"\s?[A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-ՖႠ-ჅᎠ-Ᏽᏸ-ᏽᲐ-ᲺᲽ-Ჿᴀ-ᴫᵫ-ᵷᵹ-ᶚḀ-ἕἘ-Ἕἠ-ὅὈ-Ὅὐ-ὗὙὛὝὟ-ώᾀ-ᾴᾶ-ᾼιῂ-ῄῆ-ῌῐ-ΐῖ-Ίῠ-Ῥῲ-ῴῶ-ῼℂℇℊ-ℓℕℙ-ℝℤΩℨK-ℭℯ-ℴℹℼ-ℿⅅ-ⅉⅎↃↄⰀ-ⱻⱾ-ⳤⳫ-ⳮⳲⳳꙀ-ꙭꚀ-ꚛꜢ-ꝯꝱ-ꞇꞋ-ꞎꭰ-ꮿﬀ-ﬆﬓ-ﬗＡ-Ｚａ-ｚ]+";

    private const string CjkAndHangul = "[一-龥ࠀ-一가-퟿]+";

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
            ["[\r\n]", DeepSeekLetters, @"\s?[!-/:-~！-／：-～‘-‟　-。]+", @"\s+\z", CjkAndHangul, @"\p{N}+"],
        BpePreTokenizerKind.DeepSeekCoder => ["[\r\n]", @"\s?\p{L}+", @"\s?\p{P}+", CjkAndHangul, @"\p{N}"],
        BpePreTokenizerKind.Falcon => [@"[\p{P}\$\+<=>\^~\|`]+", Gpt2, "[0-9][0-9][0-9]"],
        BpePreTokenizerKind.Bloom => [@" ?[^(\s|.,!?…。，、।۔،)]+"],
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}

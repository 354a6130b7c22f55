namespace Gateway.Tokenizers;

/// <summary>
/// What a <c>tokenizer.ggml.pre</c> name implies besides its expressions: whether a word that is itself a token skips
/// merging (Llama 3), and whether prompts start with BOS unless the file says otherwise.
/// </summary>
internal readonly record struct BpePreTokenizerSettings(
    BpePreTokenizerKind Kind, bool IgnoreMerges = false, bool AddBosByDefault = false);

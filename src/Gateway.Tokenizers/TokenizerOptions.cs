namespace Gateway.Tokenizers;

/// <summary>Tunables for tokenizers built by <see cref="TokenizerFactory"/>.</summary>
public sealed class TokenizerOptions
{
    /// <summary>
    /// How many distinct pre-tokenized words the byte-level BPE tokenizer remembers the merge result of. Prompts repeat
    /// words heavily (system prompts, chat templates), so a hit skips the merge loop; when full the cache starts over.
    /// </summary>
    public int BpeWordCacheCapacity { get; set; } = 65_536;
}

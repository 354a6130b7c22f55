using System.Text;

namespace SpikeReplay.Prompts;

/// <summary>
/// Builds prompts of roughly N tokens from common short English words (each is a single token, with its leading
/// space, in BPE vocabularies such as Llama's or GPT's). Each request index gets its own word sequence so a prefix
/// cache cannot turn the whole load into cache hits.
/// </summary>
internal static class PromptGenerator
{
    private static readonly string[] s_words =
    [
        "the", "of", "and", "to", "in", "is", "that", "for", "it", "as", "was", "with", "be", "by", "on", "not", "he",
        "this", "are", "or", "his", "from", "at", "which", "but", "have", "an", "had", "they", "you", "were", "their",
        "one", "all", "we", "can", "her", "has", "there", "been", "if", "more", "when", "will", "would", "who", "so",
        "no", "time", "out", "up", "other", "into", "than", "its", "some", "what", "only", "new", "about", "could",
        "these", "may", "first", "any", "my", "now", "such", "like", "our", "over", "man", "me", "even", "most", "made",
        "after", "also", "did", "many", "before", "must", "through", "back", "years", "where", "much", "your", "way",
        "well", "down", "should", "because", "each", "just", "those", "people", "how", "too", "little", "state",
        "good", "very", "make", "world", "still", "own", "see", "men", "work", "long", "get", "here", "between",
        "both", "life", "being", "under", "never", "day", "same", "another", "know", "while", "last", "might", "us",
        "great", "old", "year", "off", "come", "since", "against", "go", "came", "right", "used", "take", "three",
        "water", "house", "light", "river", "city", "story", "music", "paper", "night", "table", "green", "small",
    ];

    /// <summary>Instruction prefix; counted in the token budget.</summary>
    private const string Preamble = "Continue the story:";

    private const int PreambleTokens = 4;

    public static string Generate(int approximateTokens, int requestIndex, int seed)
    {
        var words = Math.Max(1, approximateTokens - PreambleTokens);
        // HashCode.Combine is randomised per process; a fixed mix keeps prompts identical across runs.
        var random = new Random(unchecked(seed * 1_000_003 + requestIndex));
        var builder = new StringBuilder(Preamble.Length + words * 6);
        builder.Append(Preamble);
        for (var i = 0; i < words; i++)
        {
            builder.Append(' ').Append(s_words[random.Next(s_words.Length)]);
        }

        return builder.ToString();
    }
}

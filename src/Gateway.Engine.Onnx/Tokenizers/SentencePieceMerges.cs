using Gateway.Inference;
using Gateway.Tokenizers;

namespace Gateway.Engine.Onnx.Tokenizers;

/// <summary>
/// SentencePiece BPE merges by score; a Hugging Face BPE model merges by rank. Ranking every pair (a, b) whose
/// concatenation is a token by that token's score (best first) makes the two agree: both then merge, at each step,
/// the adjacent pair that forms the best-scored token. This is how Hugging Face's own converter derives the merges.
/// </summary>
internal static class SentencePieceMerges
{
    public static string[] FromScores(string[] tokens, TokenType[] types, float[] scores)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < tokens.Length; i++)
        {
            if (types[i] == TokenType.Normal)
            {
                ids.TryAdd(tokens[i], i);
            }
        }

        var merges = new List<(float Score, int Merged, int Left, int Right)>();
        var lookup = ids.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var (text, merged) in ids)
        {
            for (var split = 1; split < text.Length; split++)
            {
                if (char.IsLowSurrogate(text[split]))
                {
                    continue;
                }

                if (lookup.TryGetValue(text.AsSpan(0, split), out var left) && lookup.TryGetValue(text.AsSpan(split), out var right))
                {
                    merges.Add((scores[merged], merged, left, right));
                }
            }
        }

        merges.Sort((a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score)
            : a.Merged != b.Merged ? a.Merged.CompareTo(b.Merged)
            : a.Left != b.Left ? a.Left.CompareTo(b.Left)
            : a.Right.CompareTo(b.Right));
        return [.. merges.Select(m => $"{tokens[m.Left]} {tokens[m.Right]}")];
    }
}

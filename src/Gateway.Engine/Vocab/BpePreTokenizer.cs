using System.Text.RegularExpressions;

namespace Gateway.Engine.Vocab;

/// <summary>
/// Splits text into the words byte-level BPE merges within, with the regular expressions llama.cpp associates with a
/// <c>tokenizer.ggml.pre</c> name. The expressions apply one after the other, each to every piece the previous ones
/// produced (matches and the text between them alike), so a lookahead never sees past the end of its piece.
/// </summary>
internal sealed class BpePreTokenizer
{
    private readonly Regex[] _expressions;

    public BpePreTokenizer(BpePreTokenizerKind kind)
    {
        Kind = kind;
        _expressions = [.. BpePreTokenizerPatterns.For(kind)
            .Select(p => new Regex(p, RegexOptions.Compiled | RegexOptions.CultureInvariant, Timeout.InfiniteTimeSpan))];
    }

    public BpePreTokenizerKind Kind { get; }

    /// <summary>Replaces <paramref name="pieces"/> with the (start, length) words of <paramref name="text"/>, in order.</summary>
    public void Split(ReadOnlySpan<char> text, List<(int Start, int Length)> pieces, List<(int Start, int Length)> spare)
    {
        pieces.Clear();
        if (text.IsEmpty)
        {
            return;
        }

        pieces.Add((0, text.Length));
        foreach (var expression in _expressions)
        {
            spare.Clear();
            foreach (var (pieceStart, pieceLength) in pieces)
            {
                var piece = text.Slice(pieceStart, pieceLength);
                var cursor = 0;
                foreach (var match in expression.EnumerateMatches(piece))
                {
                    if (match.Length == 0)
                    {
                        continue;
                    }

                    if (match.Index > cursor)
                    {
                        spare.Add((pieceStart + cursor, match.Index - cursor));
                    }

                    spare.Add((pieceStart + match.Index, match.Length));
                    cursor = match.Index + match.Length;
                }

                if (cursor < pieceLength)
                {
                    spare.Add((pieceStart + cursor, pieceLength - cursor));
                }
            }

            pieces.Clear();
            pieces.AddRange(spare);
        }
    }
}

using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Gateway.Tokenizers;

/// <summary>
/// Splits text into the words byte-level BPE merges within, with the regular expressions llama.cpp associates with a
/// <c>tokenizer.ggml.pre</c> name. The expressions apply one after the other, each to every piece the previous ones
/// produced (matches and the text between them alike), so a lookahead never sees past the end of its piece.
/// .NET expressions see UTF-16 code units, for which a character beyond the Basic Multilingual Plane is two surrogates
/// of no letter or digit category; such text is matched in a collapsed copy where each of those characters is one
/// stand-in of its category (as llama.cpp collapses code points for its own regex engine), then mapped back.
/// </summary>
internal sealed class BpePreTokenizer
{
    // Stand-ins for supplementary-plane characters: BMP characters of the same class that no expression names literally.
    private const char LetterStandIn = '\u2D00'; // Georgian small letter an (Ll)
    private const char NumberStandIn = '\u2160'; // Roman numeral one (Nl)
    private const char PunctuationStandIn = '\u203C'; // double exclamation mark (Po)
    private const char OtherStandIn = '\u2600'; // black sun with rays (So): emoji and other symbols

    private readonly Regex[] _expressions;

    public BpePreTokenizer(BpePreTokenizerKind kind)
    {
        _expressions = [.. BpePreTokenizerPatterns.For(kind)
            .Select(p => new Regex(p, RegexOptions.Compiled | RegexOptions.CultureInvariant, Timeout.InfiniteTimeSpan))];
    }

    /// <summary>Replaces <paramref name="pieces"/> with the (start, length) words of <paramref name="text"/>, in order.</summary>
    public void Split(ReadOnlySpan<char> text, List<(int Start, int Length)> pieces, List<(int Start, int Length)> spare, EncodeScratch scratch)
    {
        if (text.IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            SplitCodeUnits(text, pieces, spare);
            return;
        }

        var collapsed = scratch.CollapsedBuffer(text.Length);
        var originalIndex = scratch.IndexMap(text.Length + 1);
        var n = 0;
        for (var i = 0; i < text.Length; n++)
        {
            originalIndex[n] = i;
            if (Rune.DecodeFromUtf16(text[i..], out var rune, out var consumed) == OperationStatus.Done && consumed == 2)
            {
                collapsed[n] = StandIn(Rune.GetUnicodeCategory(rune));
            }
            else
            {
                collapsed[n] = char.IsSurrogate(text[i]) ? OtherStandIn : text[i];
            }

            i += consumed;
        }

        originalIndex[n] = text.Length;
        SplitCodeUnits(collapsed.AsSpan(0, n), pieces, spare);
        for (var p = 0; p < pieces.Count; p++)
        {
            var (start, length) = pieces[p];
            pieces[p] = (originalIndex[start], originalIndex[start + length] - originalIndex[start]);
        }
    }

    private static char StandIn(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => LetterStandIn,
        UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => NumberStandIn,
        UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
            or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation => PunctuationStandIn,
        _ => OtherStandIn,
    };

    private void SplitCodeUnits(ReadOnlySpan<char> text, List<(int Start, int Length)> pieces, List<(int Start, int Length)> spare)
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

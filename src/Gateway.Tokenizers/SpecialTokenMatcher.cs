using Gateway.Inference;
namespace Gateway.Tokenizers;

/// <summary>
/// Splits input text around special tokens written out in it (<c>&lt;|im_start|&gt;</c>, <c>&lt;s&gt;</c>, …) the way
/// llama.cpp does: every special token, longest first, is searched in every remaining text fragment, so a longer token
/// always wins over a shorter one it contains. Control tokens are only recognised when the caller asks for it (prompts
/// rendered by a chat template); user-defined tokens are always recognised, like Hugging Face's added tokens.
/// </summary>
internal sealed class SpecialTokenMatcher
{
    private readonly string[] _texts;
    private readonly int[] _ids;
    private readonly bool[] _needsParseSpecial;

    public SpecialTokenMatcher(TokenizerVocabulary vocabulary)
    {
        _ids = vocabulary.MatchableSpecialIds();
        _texts = [.. _ids.Select(id => vocabulary.Texts[id])];
        _needsParseSpecial = [.. _ids.Select(id => vocabulary.Types[id] != TokenType.UserDefined)];
    }

    /// <summary>Fills <paramref name="fragments"/> with the text runs and special tokens of <paramref name="text"/>, in order.</summary>
    public void Split(string text, bool parseSpecial, List<TextFragment> fragments)
    {
        fragments.Clear();
        if (text.Length == 0)
        {
            return;
        }

        fragments.Add(TextFragment.Text(0, text.Length));
        for (var s = 0; s < _ids.Length; s++)
        {
            if (_needsParseSpecial[s] && !parseSpecial)
            {
                continue;
            }

            var special = _texts[s];
            for (var f = 0; f < fragments.Count; f++)
            {
                var fragment = fragments[f];
                if (!fragment.IsText || fragment.Length < special.Length)
                {
                    continue;
                }

                var found = text.AsSpan(fragment.Start, fragment.Length).IndexOf(special, StringComparison.Ordinal);
                if (found < 0)
                {
                    continue;
                }

                // Replace the fragment by [left text][token][right text]; the right part is examined next iteration.
                var matchStart = fragment.Start + found;
                var rightStart = matchStart + special.Length;
                var rightLength = fragment.Start + fragment.Length - rightStart;
                fragments.RemoveAt(f);
                var insertAt = f;
                if (found > 0)
                {
                    fragments.Insert(insertAt++, TextFragment.Text(fragment.Start, found));
                }

                fragments.Insert(insertAt++, new TextFragment(matchStart, special.Length, _ids[s]));
                if (rightLength > 0)
                {
                    fragments.Insert(insertAt, TextFragment.Text(rightStart, rightLength));
                }

                f = insertAt - 1;
            }
        }
    }
}

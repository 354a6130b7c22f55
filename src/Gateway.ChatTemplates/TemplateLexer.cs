using System.Globalization;
using System.Text;

namespace Gateway.ChatTemplates;

/// <summary>
/// Splits a template into text and tag tokens, applying whitespace control the way Hugging Face renders chat
/// templates: Jinja2 with <c>trim_blocks</c> and <c>lstrip_blocks</c> on and <c>keep_trailing_newline</c> off,
/// plus the explicit <c>-</c> / <c>+</c> modifiers on tags.
/// </summary>
internal sealed class TemplateLexer
{
    private static readonly string[] TwoCharOperators = ["//", "**", "==", "!=", "<=", ">="];
    private const string SingleCharOperators = "+-*/%~<>=.,:|()[]{}";

    private readonly string _source;
    private readonly List<Token> _tokens = [];
    private bool _stripLeadingWhitespace;
    private bool _trimLeadingNewline;

    private TemplateLexer(string source) => _source = source;

    /// <summary>Normalises line endings and drops one trailing newline, as Jinja2 does before lexing.</summary>
    public static string Normalize(string source)
    {
        string normalized = source.Contains('\r', StringComparison.Ordinal)
            ? source.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n')
            : source;
        return normalized.EndsWith('\n') ? normalized[..^1] : normalized;
    }

    /// <summary>Tokenizes an already <see cref="Normalize"/>d source.</summary>
    public static List<Token> Tokenize(string normalizedSource)
    {
        var lexer = new TemplateLexer(normalizedSource);
        lexer.Run();
        return lexer._tokens;
    }

    private void Run()
    {
        int length = _source.Length;
        int pos = 0;
        while (pos < length)
        {
            int tagStart = FindTagStart(pos);
            EmitText(pos, tagStart);
            if (tagStart >= length)
            {
                break;
            }

            char tagType = _source[tagStart + 1];
            pos = tagType == '#' ? SkipComment(tagStart) : LexTag(tagStart, tagType == '%');
        }

        _tokens.Add(new Token(TokenKind.End, string.Empty, length));
    }

    private int FindTagStart(int from)
    {
        int i = from;
        while (true)
        {
            i = _source.IndexOf('{', i);
            if (i < 0 || i + 1 >= _source.Length)
            {
                return _source.Length;
            }

            char next = _source[i + 1];
            if (next is '{' or '%' or '#')
            {
                return i;
            }

            i++;
        }
    }

    private void EmitText(int start, int tagStart)
    {
        int end = tagStart;
        if (_stripLeadingWhitespace)
        {
            while (start < end && char.IsWhiteSpace(_source[start]))
            {
                start++;
            }
        }
        else if (_trimLeadingNewline && start < end && _source[start] == '\n')
        {
            start++;
        }

        _stripLeadingWhitespace = false;
        _trimLeadingNewline = false;

        if (tagStart < _source.Length)
        {
            char tagType = _source[tagStart + 1];
            char modifier = tagStart + 2 < _source.Length ? _source[tagStart + 2] : '\0';
            if (modifier == '-')
            {
                while (end > start && char.IsWhiteSpace(_source[end - 1]))
                {
                    end--;
                }
            }
            else if (tagType is '%' or '#' && modifier != '+')
            {
                // lstrip_blocks: a block tag alone on its line takes the line's indentation with it.
                int k = end;
                while (k > start && _source[k - 1] is ' ' or '\t')
                {
                    k--;
                }

                if (k == 0 || _source[k - 1] == '\n')
                {
                    end = k;
                }
            }
        }

        if (end > start)
        {
            _tokens.Add(new Token(TokenKind.Text, _source[start..end], start));
        }
    }

    private int SkipComment(int tagStart)
    {
        int close = _source.IndexOf("#}", tagStart + 2, StringComparison.Ordinal);
        if (close < 0)
        {
            throw new TemplateError(tagStart, "Unclosed comment");
        }

        bool strip = close - 1 > tagStart + 1 && _source[close - 1] == '-';
        _stripLeadingWhitespace = strip;
        _trimLeadingNewline = !strip;
        return close + 2;
    }

    private int LexTag(int tagStart, bool isBlock)
    {
        _tokens.Add(new Token(isBlock ? TokenKind.BlockBegin : TokenKind.VariableBegin, string.Empty, tagStart));
        int pos = tagStart + 2;
        if (pos < _source.Length && _source[pos] is '-' or '+')
        {
            pos++;
        }

        char closer = isBlock ? '%' : '}';
        int depth = 0;
        while (true)
        {
            while (pos < _source.Length && char.IsWhiteSpace(_source[pos]))
            {
                pos++;
            }

            if (pos >= _source.Length)
            {
                throw new TemplateError(tagStart, isBlock ? "Unclosed block tag '{%'" : "Unclosed expression tag '{{'");
            }

            if (depth == 0 && TryMatchTagEnd(pos, closer, out int afterEnd, out char endModifier))
            {
                _tokens.Add(new Token(isBlock ? TokenKind.BlockEnd : TokenKind.VariableEnd, string.Empty, pos));
                _stripLeadingWhitespace = endModifier == '-';
                _trimLeadingNewline = isBlock && endModifier == '\0';
                if (isBlock && _tokens.Count >= 3 && _tokens[^2].IsName("raw") && _tokens[^3].Kind == TokenKind.BlockBegin)
                {
                    _tokens.RemoveRange(_tokens.Count - 3, 3);
                    return LexRawBody(afterEnd, tagStart);
                }

                return afterEnd;
            }

            pos = LexInnerToken(pos, ref depth);
        }
    }

    /// <summary>Emits everything up to <c>{% endraw %}</c> as text, untouched apart from whitespace control.</summary>
    private int LexRawBody(int start, int rawTagStart)
    {
        for (int candidate = _source.IndexOf("{%", start, StringComparison.Ordinal);
             candidate >= 0;
             candidate = _source.IndexOf("{%", candidate + 2, StringComparison.Ordinal))
        {
            int p = candidate + 2;
            if (p < _source.Length && _source[p] is '-' or '+')
            {
                p++;
            }

            while (p < _source.Length && char.IsWhiteSpace(_source[p]))
            {
                p++;
            }

            if (string.CompareOrdinal(_source, p, "endraw", 0, 6) != 0)
            {
                continue;
            }

            p += 6;
            while (p < _source.Length && char.IsWhiteSpace(_source[p]))
            {
                p++;
            }

            if (p < _source.Length && TryMatchTagEnd(p, '%', out int afterEnd, out char endModifier))
            {
                EmitText(start, candidate);
                _stripLeadingWhitespace = endModifier == '-';
                _trimLeadingNewline = endModifier == '\0';
                return afterEnd;
            }
        }

        throw new TemplateError(rawTagStart, "Unclosed 'raw' block: expected '{% endraw %}'");
    }

    private bool TryMatchTagEnd(int pos, char closer, out int afterEnd, out char modifier)
    {
        modifier = '\0';
        int p = pos;
        if (_source[p] is '-' or '+' && p + 1 < _source.Length && _source[p + 1] == closer)
        {
            modifier = _source[p];
            p++;
        }

        if (p + 1 < _source.Length && _source[p] == closer && _source[p + 1] == '}')
        {
            afterEnd = p + 2;
            return true;
        }

        modifier = '\0';
        afterEnd = pos;
        return false;
    }

    private int LexInnerToken(int pos, ref int depth)
    {
        char c = _source[pos];
        if (char.IsAsciiLetter(c) || c == '_')
        {
            int end = pos + 1;
            while (end < _source.Length && (char.IsAsciiLetterOrDigit(_source[end]) || _source[end] == '_'))
            {
                end++;
            }

            _tokens.Add(new Token(TokenKind.Name, _source[pos..end], pos));
            return end;
        }

        if (char.IsAsciiDigit(c))
        {
            return LexNumber(pos);
        }

        if (c is '\'' or '"')
        {
            return LexString(pos);
        }

        if (pos + 1 < _source.Length)
        {
            foreach (string op in TwoCharOperators)
            {
                if (_source[pos] == op[0] && _source[pos + 1] == op[1])
                {
                    _tokens.Add(new Token(TokenKind.Operator, op, pos));
                    return pos + 2;
                }
            }
        }

        if (SingleCharOperators.Contains(c, StringComparison.Ordinal))
        {
            depth += c is '(' or '[' or '{' ? 1 : c is ')' or ']' or '}' ? -1 : 0;
            _tokens.Add(new Token(TokenKind.Operator, c.ToString(), pos));
            return pos + 1;
        }

        throw new TemplateError(pos, $"Unexpected character '{c}'");
    }

    private int LexNumber(int pos)
    {
        int end = pos;
        while (end < _source.Length && (char.IsAsciiDigit(_source[end]) || _source[end] == '_'))
        {
            end++;
        }

        bool isFloat = false;
        if (end + 1 < _source.Length && _source[end] == '.' && char.IsAsciiDigit(_source[end + 1]))
        {
            isFloat = true;
            end++;
            while (end < _source.Length && char.IsAsciiDigit(_source[end]))
            {
                end++;
            }
        }

        if (end < _source.Length && _source[end] is 'e' or 'E')
        {
            int exp = end + 1;
            if (exp < _source.Length && _source[exp] is '+' or '-')
            {
                exp++;
            }

            if (exp < _source.Length && char.IsAsciiDigit(_source[exp]))
            {
                isFloat = true;
                end = exp;
                while (end < _source.Length && char.IsAsciiDigit(_source[end]))
                {
                    end++;
                }
            }
        }

        string text = _source[pos..end].Replace("_", string.Empty, StringComparison.Ordinal);
        _tokens.Add(new Token(isFloat ? TokenKind.Float : TokenKind.Integer, text, pos));
        return end;
    }

    private int LexString(int pos)
    {
        char quote = _source[pos];
        var value = new StringBuilder();
        int i = pos + 1;
        while (i < _source.Length)
        {
            char c = _source[i];
            if (c == quote)
            {
                _tokens.Add(new Token(TokenKind.String, value.ToString(), pos));
                return i + 1;
            }

            if (c == '\\' && i + 1 < _source.Length)
            {
                i = AppendEscape(value, i);
                continue;
            }

            value.Append(c);
            i++;
        }

        throw new TemplateError(pos, "Unterminated string literal");
    }

    /// <summary>Python string-literal escapes; unknown escapes keep their backslash, as Python does.</summary>
    private int AppendEscape(StringBuilder value, int backslash)
    {
        char e = _source[backslash + 1];
        switch (e)
        {
            case 'n': value.Append('\n'); return backslash + 2;
            case 't': value.Append('\t'); return backslash + 2;
            case 'r': value.Append('\r'); return backslash + 2;
            case '0': value.Append('\0'); return backslash + 2;
            case 'b': value.Append('\b'); return backslash + 2;
            case 'f': value.Append('\f'); return backslash + 2;
            case '\\': value.Append('\\'); return backslash + 2;
            case '\'': value.Append('\''); return backslash + 2;
            case '"': value.Append('"'); return backslash + 2;
            case '\n': return backslash + 2;
            case 'x': return AppendHexEscape(value, backslash, 2);
            case 'u': return AppendHexEscape(value, backslash, 4);
            case 'U': return AppendHexEscape(value, backslash, 8);
            default:
                value.Append('\\').Append(e);
                return backslash + 2;
        }
    }

    private int AppendHexEscape(StringBuilder value, int backslash, int digits)
    {
        int start = backslash + 2;
        if (start + digits > _source.Length
            || !int.TryParse(_source.AsSpan(start, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code)
            || code > 0x10FFFF)
        {
            throw new TemplateError(backslash, "Invalid escape sequence in string literal");
        }

        value.Append(char.ConvertFromUtf32(code));
        return start + digits;
    }
}

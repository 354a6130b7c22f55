namespace Gateway.ChatTemplates;

/// <summary>
/// A chat template failed to parse or to render. Errors found by the interpreter carry the offending position
/// (line and column in the template source); messages raised by the template itself through
/// <c>raise_exception(msg)</c> carry exactly that message and <see cref="IsRaisedByTemplate"/> is true.
/// </summary>
public sealed class ChatTemplateException : Exception
{
    public ChatTemplateException(string message)
        : base(message)
    {
    }

    public ChatTemplateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal ChatTemplateException(string message, bool isRaisedByTemplate)
        : base(message)
    {
        IsRaisedByTemplate = isRaisedByTemplate;
    }

    /// <summary>True when the template called <c>raise_exception</c>: the request, not the template, is at fault.</summary>
    public bool IsRaisedByTemplate { get; }

    internal static ChatTemplateException At(string source, int offset, string message)
    {
        var (line, column) = LineAndColumn(source, offset);
        return new ChatTemplateException($"{message} (line {line}, column {column})");
    }

    private static (int Line, int Column) LineAndColumn(string source, int offset)
    {
        offset = Math.Clamp(offset, 0, source.Length);
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset; i++)
        {
            if (source[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, offset - lineStart + 1);
    }
}

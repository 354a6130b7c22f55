namespace Gateway.ChatTemplates;

/// <summary>
/// Raised inside the lexer, parser and interpreter with a source offset only; <see cref="ChatTemplate"/> turns it
/// into a <see cref="ChatTemplateException"/> naming line and column, so inner code never needs the source text.
/// </summary>
internal sealed class TemplateError(int offset, string message) : Exception(message)
{
    public int Offset { get; } = offset;
}

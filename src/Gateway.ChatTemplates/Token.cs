namespace Gateway.ChatTemplates;

/// <summary>A lexed unit; <see cref="Value"/> holds the text, name, decoded string literal or operator.</summary>
internal readonly record struct Token(TokenKind Kind, string Value, int Offset)
{
    public bool IsOperator(string op) => Kind == TokenKind.Operator && Value == op;

    public bool IsName(string name) => Kind == TokenKind.Name && Value == name;
}

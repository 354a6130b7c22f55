namespace Gateway.ChatTemplates;

internal enum TokenKind
{
    Text,
    VariableBegin,
    VariableEnd,
    BlockBegin,
    BlockEnd,
    Name,
    String,
    Integer,
    Float,
    Operator,
    End,
}

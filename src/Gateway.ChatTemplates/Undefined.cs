namespace Gateway.ChatTemplates;

/// <summary>Jinja's undefined value: falsy, renders as an empty string, iterates as empty.</summary>
internal sealed class Undefined
{
    public static readonly Undefined Instance = new();

    private Undefined()
    {
    }

    public override string ToString() => string.Empty;
}

namespace Gateway.ChatTemplates;

/// <summary>
/// A variable frame. Loops and macros push a child frame so their <c>set</c> assignments stay local, matching
/// Jinja's scoping (which is why templates use <c>namespace()</c> to carry state out of a loop).
/// </summary>
internal sealed class Scope(Scope? parent)
{
    private Dictionary<string, object?>? _variables;

    public Scope? Parent => parent;

    public bool TryGet(string name, out object? value)
    {
        for (Scope? scope = this; scope is not null; scope = scope.Parent)
        {
            if (scope._variables is not null && scope._variables.TryGetValue(name, out value))
            {
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <summary>Forgets this frame's own variables, so a loop can reuse one frame as a fresh one per iteration.</summary>
    public void Clear() => _variables?.Clear();

    public void Set(string name, object? value) => (_variables ??= new Dictionary<string, object?>(StringComparer.Ordinal))[name] = value;
}

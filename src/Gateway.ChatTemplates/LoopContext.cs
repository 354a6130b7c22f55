namespace Gateway.ChatTemplates;

/// <summary>The <c>loop</c> variable inside a <c>for</c> body.</summary>
internal sealed class LoopContext(IReadOnlyList<object?> items)
{
    public int Index0 { get; set; }

    public int Length => items.Count;

    public object? GetAttribute(string name) => name switch
    {
        "index" => (long)(Index0 + 1),
        "index0" => (long)Index0,
        "revindex" => (long)(Length - Index0),
        "revindex0" => (long)(Length - Index0 - 1),
        "first" => Index0 == 0,
        "last" => Index0 == Length - 1,
        "length" => (long)Length,
        "depth" => 1L,
        "depth0" => 0L,
        "previtem" => Index0 > 0 ? items[Index0 - 1] : Undefined.Instance,
        "nextitem" => Index0 + 1 < Length ? items[Index0 + 1] : Undefined.Instance,
        _ => Undefined.Instance,
    };
}

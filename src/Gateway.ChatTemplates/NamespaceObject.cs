namespace Gateway.ChatTemplates;

/// <summary>
/// The object <c>namespace(...)</c> returns: the one mutable holder Jinja offers, because plain <c>set</c> inside a
/// loop body does not escape the loop's scope while <c>set ns.x = ...</c> does.
/// </summary>
internal sealed class NamespaceObject
{
    public OrderedDictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);
}

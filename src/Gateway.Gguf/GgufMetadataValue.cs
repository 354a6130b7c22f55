using System.Globalization;

namespace Gateway.Gguf;

/// <summary>
/// One typed metadata value. Scalars are boxed once at load; arrays keep their element type so a 49k-entry vocabulary
/// stays a <c>string[]</c> and scores stay a <c>float[]</c> rather than lists of objects.
/// </summary>
public sealed class GgufMetadataValue
{
    public GgufMetadataValue(GgufValueType type, object value, GgufValueType elementType = GgufValueType.UInt8)
    {
        Type = type;
        Value = value;
        ElementType = elementType;
    }

    public GgufValueType Type { get; }

    /// <summary>For arrays, the type of their elements.</summary>
    public GgufValueType ElementType { get; }

    /// <summary>A boxed scalar, a string, or a typed array (e.g. <c>string[]</c>, <c>float[]</c>, <c>int[]</c>).</summary>
    public object Value { get; }

    public override string ToString() => Value switch
    {
        Array a => $"[{ElementType} x {a.Length}]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Value.ToString() ?? string.Empty,
    };
}

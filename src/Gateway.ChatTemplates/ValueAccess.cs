namespace Gateway.ChatTemplates;

/// <summary>Attribute access (<c>a.b</c>), subscripts (<c>a[b]</c>) and slices (<c>a[1:-1]</c>); misses are undefined.</summary>
internal static class ValueAccess
{
    public static object? GetAttribute(object? target, string name) => target switch
    {
        OrderedDictionary<string, object?> dict => dict.TryGetValue(name, out var v) ? v : Undefined.Instance,
        NamespaceObject ns => ns.Attributes.TryGetValue(name, out var v) ? v : Undefined.Instance,
        LoopContext loop => loop.GetAttribute(name),
        _ => Undefined.Instance,
    };

    public static object? GetItem(object? target, object? key, int offset)
    {
        switch (target)
        {
            case OrderedDictionary<string, object?> dict:
                return key is string s && dict.TryGetValue(s, out var v) ? v : Undefined.Instance;
            case List<object?> list when key is long index:
                index = index < 0 ? index + list.Count : index;
                return index >= 0 && index < list.Count ? list[(int)index] : Undefined.Instance;
            case string str when key is long index:
                index = index < 0 ? index + str.Length : index;
                return index >= 0 && index < str.Length ? str[(int)index].ToString() : Undefined.Instance;
            case NamespaceObject or LoopContext when key is string name:
                return GetAttribute(target, name);
            case null or Undefined:
                return Undefined.Instance;
            case List<object?> or string:
                throw new TemplateError(offset, $"indices must be integers, not {TemplateValues.TypeName(key)}");
            default:
                return Undefined.Instance;
        }
    }

    public static object? Slice(object? target, object? start, object? stop, object? step, int offset)
    {
        long stepValue = step is null or Undefined ? 1 : AsIndex(step, offset);
        if (stepValue == 0)
        {
            throw new TemplateError(offset, "slice step cannot be zero");
        }

        int length = target switch
        {
            List<object?> list => list.Count,
            string s => s.Length,
            null or Undefined => 0,
            _ => throw new TemplateError(offset, $"'{TemplateValues.TypeName(target)}' object is not subscriptable"),
        };

        var (first, end) = Bounds(length, start, stop, stepValue, offset);
        switch (target)
        {
            case List<object?> list:
                var items = new List<object?>();
                for (long i = first; stepValue > 0 ? i < end : i > end; i += stepValue)
                {
                    items.Add(list[(int)i]);
                }

                return items;
            case string s:
                if (stepValue == 1)
                {
                    return first < end ? s.Substring((int)first, (int)(end - first)) : string.Empty;
                }

                var chars = new System.Text.StringBuilder();
                for (long i = first; stepValue > 0 ? i < end : i > end; i += stepValue)
                {
                    chars.Append(s[(int)i]);
                }

                return chars.ToString();
            default:
                return new List<object?>();
        }
    }

    /// <summary>Python's <c>slice.indices</c>: clamps and resolves negative bounds for the given step direction.</summary>
    private static (long First, long End) Bounds(int length, object? start, object? stop, long step, int offset)
    {
        long lower = step > 0 ? 0 : -1;
        long upper = step > 0 ? length : length - 1;

        long Resolve(object? bound, long fallback)
        {
            if (bound is null or Undefined)
            {
                return fallback;
            }

            long value = AsIndex(bound, offset);
            if (value < 0)
            {
                value += length;
                return value < lower ? lower : value;
            }

            return value > upper ? upper : value;
        }

        return (Resolve(start, step > 0 ? lower : upper), Resolve(stop, step > 0 ? upper : lower));
    }

    private static long AsIndex(object? value, int offset) => value is long l
        ? l
        : throw new TemplateError(offset, $"slice indices must be integers or None, not {TemplateValues.TypeName(value)}");
}

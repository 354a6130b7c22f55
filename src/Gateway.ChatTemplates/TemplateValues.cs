using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Gateway.ChatTemplates;

/// <summary>
/// Python semantics for the interpreter's value model: <c>null</c> (None), <see cref="Undefined"/>, bool, long,
/// double, string, <see cref="List{T}"/> (list and tuple), <see cref="OrderedDictionary{TKey,TValue}"/> (dict),
/// <see cref="NamespaceObject"/>, <see cref="LoopContext"/> and <see cref="TemplateCallable"/>.
/// </summary>
internal static class TemplateValues
{
    public static bool IsUndefined(object? value) => value is Undefined;

    public static bool IsTruthy(object? value) => value switch
    {
        null or Undefined => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        List<object?> list => list.Count > 0,
        OrderedDictionary<string, object?> dict => dict.Count > 0,
        _ => true,
    };

    public static bool IsNumber(object? value) => value is long or double;

    public static double ToDouble(object? value) => value switch
    {
        long l => l,
        double d => d,
        bool b => b ? 1 : 0,
        _ => throw new InvalidOperationException("not a number"),
    };

    /// <summary>Python <c>str()</c>: what <c>{{ value }}</c> writes.</summary>
    public static string ToText(object? value) => value switch
    {
        string s => s,
        Undefined => string.Empty,
        _ => Repr(value, topLevel: true),
    };

    public static void AppendText(StringBuilder output, object? value)
    {
        switch (value)
        {
            case string s:
                output.Append(s);
                break;
            case Undefined:
                break;
            case long l:
                output.Append(l);
                break;
            default:
                output.Append(Repr(value, topLevel: true));
                break;
        }
    }

    /// <summary>Python <c>repr()</c>, used for containers so <c>{{ [1, 'a'] }}</c> prints <c>[1, 'a']</c>.</summary>
    public static string Repr(object? value, bool topLevel = false)
    {
        var sb = new StringBuilder();
        AppendRepr(sb, value, topLevel);
        return sb.ToString();
    }

    private static void AppendRepr(StringBuilder sb, object? value, bool topLevel)
    {
        switch (value)
        {
            case null:
                sb.Append("None");
                break;
            case Undefined:
                break;
            case bool b:
                sb.Append(b ? "True" : "False");
                break;
            case long l:
                sb.Append(l);
                break;
            case double d:
                sb.Append(FormatFloat(d));
                break;
            case string s when topLevel:
                sb.Append(s);
                break;
            case string s:
                AppendQuoted(sb, s);
                break;
            case List<object?> list:
                sb.Append('[');
                for (int i = 0; i < list.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }

                    AppendRepr(sb, list[i], false);
                }

                sb.Append(']');
                break;
            case OrderedDictionary<string, object?> dict:
                sb.Append('{');
                bool first = true;
                foreach (var (key, item) in dict)
                {
                    if (!first)
                    {
                        sb.Append(", ");
                    }

                    first = false;
                    AppendQuoted(sb, key);
                    sb.Append(": ");
                    AppendRepr(sb, item, false);
                }

                sb.Append('}');
                break;
            case NamespaceObject:
                sb.Append("<Namespace>");
                break;
            default:
                sb.Append(value.GetType().Name);
                break;
        }
    }

    private static void AppendQuoted(StringBuilder sb, string s)
    {
        char quote = s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        sb.Append(quote);
        foreach (char c in s)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c == quote)
                    {
                        sb.Append('\\');
                    }

                    sb.Append(c);
                    break;
            }
        }

        sb.Append(quote);
    }

    /// <summary>Python float repr: shortest round-trip digits, always with a decimal point or exponent.</summary>
    public static string FormatFloat(double d)
    {
        if (double.IsNaN(d))
        {
            return "nan";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "inf" : "-inf";
        }

        string r = d.ToString("R", CultureInfo.InvariantCulture);
        if (r.Contains('E', StringComparison.Ordinal))
        {
            return r.Replace("E", "e", StringComparison.Ordinal);
        }

        return r.Contains('.', StringComparison.Ordinal) ? r : r + ".0";
    }

    public static string TypeName(object? value) => value switch
    {
        null => "NoneType",
        Undefined => "undefined",
        bool => "bool",
        long => "int",
        double => "float",
        string => "str",
        List<object?> => "list",
        OrderedDictionary<string, object?> => "dict",
        NamespaceObject => "Namespace",
        LoopContext => "LoopContext",
        TemplateCallable => "function",
        _ => value.GetType().Name,
    };

    /// <summary>Python <c>==</c>: numbers compare across int/float/bool, containers compare element-wise.</summary>
    public static bool AreEqual(object? a, object? b)
    {
        if (a is Undefined || b is Undefined)
        {
            return a is Undefined && b is Undefined;
        }

        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        if (a is bool ba && b is bool bb)
        {
            return ba == bb;
        }

        if ((a is long or double or bool) && (b is long or double or bool))
        {
            if (a is long la && b is long lb)
            {
                return la == lb;
            }

            return ToDouble(a) == ToDouble(b);
        }

        switch (a)
        {
            case string sa:
                return b is string sb && string.Equals(sa, sb, StringComparison.Ordinal);
            case List<object?> listA:
                if (b is not List<object?> listB || listA.Count != listB.Count)
                {
                    return false;
                }

                for (int i = 0; i < listA.Count; i++)
                {
                    if (!AreEqual(listA[i], listB[i]))
                    {
                        return false;
                    }
                }

                return true;
            case OrderedDictionary<string, object?> dictA:
                if (b is not OrderedDictionary<string, object?> dictB || dictA.Count != dictB.Count)
                {
                    return false;
                }

                foreach (var (key, item) in dictA)
                {
                    if (!dictB.TryGetValue(key, out var other) || !AreEqual(item, other))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return ReferenceEquals(a, b);
        }
    }

    /// <summary>Python ordering for numbers, strings and lists; anything else is a type error.</summary>
    public static int Compare(object? a, object? b, int offset)
    {
        if ((a is long or double or bool) && (b is long or double or bool))
        {
            if (a is long la && b is long lb)
            {
                return la.CompareTo(lb);
            }

            return ToDouble(a).CompareTo(ToDouble(b));
        }

        if (a is string sa && b is string sb)
        {
            return string.CompareOrdinal(sa, sb);
        }

        if (a is List<object?> listA && b is List<object?> listB)
        {
            for (int i = 0; i < Math.Min(listA.Count, listB.Count); i++)
            {
                int c = Compare(listA[i], listB[i], offset);
                if (c != 0)
                {
                    return c;
                }
            }

            return listA.Count.CompareTo(listB.Count);
        }

        throw new TemplateError(offset, $"Cannot compare {TypeName(a)} with {TypeName(b)}");
    }

    /// <summary>The items a <c>for</c> loop or a sequence filter walks: dicts yield keys, strings yield characters.</summary>
    public static List<object?> ToList(object? value, int offset) => value switch
    {
        List<object?> list => list,
        null or Undefined => [],
        string s => s.Select(c => (object?)c.ToString()).ToList(),
        OrderedDictionary<string, object?> dict => dict.Keys.Select(k => (object?)k).ToList(),
        _ => throw new TemplateError(offset, $"'{TypeName(value)}' object is not iterable"),
    };

    /// <summary>Converts values handed in by the host (extra variables) to the interpreter's value model.</summary>
    public static object? FromHost(object? value) => value switch
    {
        null => null,
        string or bool or long or double or Undefined or NamespaceObject or TemplateCallable => value,
        int i => (long)i,
        short s => (long)s,
        byte b => (long)b,
        uint u => (long)u,
        float f => (double)f,
        decimal m => (double)m,
        ChatMessage message => FromMessage(message),
        JsonElement element => FromJson(element),
        OrderedDictionary<string, object?> dict => dict,
        IEnumerable<KeyValuePair<string, object?>> pairs => FromPairs(pairs),
        IDictionary dictionary => FromDictionary(dictionary),
        IEnumerable sequence => FromSequence(sequence),
        _ => value.ToString(),
    };

    public static OrderedDictionary<string, object?> FromMessage(ChatMessage message) => new(2, StringComparer.Ordinal)
    {
        ["role"] = message.Role,
        ["content"] = message.Content,
    };

    private static OrderedDictionary<string, object?> FromPairs(IEnumerable<KeyValuePair<string, object?>> pairs)
    {
        var dict = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, item) in pairs)
        {
            dict[key] = FromHost(item);
        }

        return dict;
    }

    private static OrderedDictionary<string, object?> FromDictionary(IDictionary dictionary)
    {
        var dict = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in dictionary)
        {
            dict[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty] = FromHost(entry.Value);
        }

        return dict;
    }

    private static List<object?> FromSequence(IEnumerable sequence)
    {
        var list = new List<object?>();
        foreach (object? item in sequence)
        {
            list.Add(FromHost(item));
        }

        return list;
    }

    private static object? FromJson(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return element.GetString();
            case JsonValueKind.Number:
                return element.TryGetInt64(out long l) ? (object)l : (object)element.GetDouble();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Array:
                var list = new List<object?>(element.GetArrayLength());
                foreach (var item in element.EnumerateArray())
                {
                    list.Add(FromJson(item));
                }

                return list;
            case JsonValueKind.Object:
                var dict = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    dict[property.Name] = FromJson(property.Value);
                }

                return dict;
            default:
                return null;
        }
    }
}

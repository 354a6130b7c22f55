using System.Globalization;
using System.Text;

namespace Gateway.ChatTemplates;

/// <summary>
/// The <c>tojson</c> filter as Hugging Face defines it for chat templates: Python's
/// <c>json.dumps(value, ensure_ascii=False, indent=indent)</c> — so <c>", "</c> and <c>": "</c> separators without
/// indent, non-ASCII kept as is, and no HTML escaping (unlike stock Jinja's tojson).
/// </summary>
internal static class JsonFormatter
{
    public static string Format(object? value, int? indent, int offset)
    {
        var sb = new StringBuilder();
        Write(sb, value, indent, 0, offset);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, object? value, int? indent, int depth, int offset)
    {
        switch (value)
        {
            case null or Undefined:
                sb.Append("null");
                break;
            case bool b:
                sb.Append(b ? "true" : "false");
                break;
            case long l:
                sb.Append(l.ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                sb.Append(double.IsNaN(d) ? "NaN" : double.IsInfinity(d) ? (d > 0 ? "Infinity" : "-Infinity") : TemplateValues.FormatFloat(d));
                break;
            case string s:
                WriteString(sb, s);
                break;
            case List<object?> list:
                WriteContainer(sb, '[', ']', list.Count, indent, depth, (i, inner) => Write(sb, list[i], indent, inner, offset));
                break;
            case OrderedDictionary<string, object?> dict:
                WriteContainer(sb, '{', '}', dict.Count, indent, depth, (i, inner) =>
                {
                    var entry = dict.GetAt(i);
                    WriteString(sb, entry.Key);
                    sb.Append(": ");
                    Write(sb, entry.Value, indent, inner, offset);
                });
                break;
            case NamespaceObject ns:
                Write(sb, ns.Attributes, indent, depth, offset);
                break;
            default:
                throw new TemplateError(offset, $"Object of type {TemplateValues.TypeName(value)} is not JSON serializable");
        }
    }

    private static void WriteContainer(StringBuilder sb, char open, char close, int count, int? indent, int depth, Action<int, int> writeItem)
    {
        sb.Append(open);
        if (count == 0)
        {
            sb.Append(close);
            return;
        }

        for (int i = 0; i < count; i++)
        {
            if (i > 0)
            {
                sb.Append(indent is null ? ", " : ",");
            }

            if (indent is { } width)
            {
                sb.Append('\n').Append(' ', width * (depth + 1));
            }

            writeItem(i, depth + 1);
        }

        if (indent is { } w)
        {
            sb.Append('\n').Append(' ', w * depth);
        }

        sb.Append(close);
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }
}

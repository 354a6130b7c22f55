using System.Globalization;
using System.Text;

namespace Gateway.ChatTemplates;

/// <summary>The Jinja filters chat templates use; resolved by name at parse time so a typo fails at load, not per request.</summary>
internal static class BuiltinFilters
{
    private static readonly Dictionary<string, FilterFunction> Filters = new(StringComparer.Ordinal)
    {
        ["trim"] = (_, v, a, k, o, _) => Trim(v, ArgumentReader.Get(a, k, 0, "chars", null), o),
        ["upper"] = (_, v, _, _, _, _) => TemplateValues.ToText(v).ToUpperInvariant(),
        ["lower"] = (_, v, _, _, _, _) => TemplateValues.ToText(v).ToLowerInvariant(),
        ["capitalize"] = (_, v, _, _, _, _) => TextCase.Capitalize(TemplateValues.ToText(v)),
        ["title"] = (_, v, _, _, _, _) => TextCase.Title(TemplateValues.ToText(v)),
        ["length"] = (_, v, _, _, o, _) => Length(v, o),
        ["count"] = (_, v, _, _, o, _) => Length(v, o),
        ["default"] = Default,
        ["d"] = Default,
        ["join"] = Join,
        ["tojson"] = (_, v, a, k, o, _) => JsonFormatter.Format(v, ArgumentReader.Get(a, k, 0, "indent", null) is long n ? (int)n : null, o),
        ["string"] = (_, v, _, _, _, _) => TemplateValues.ToText(v),
        ["safe"] = (_, v, _, _, _, _) => v,
        ["int"] = (_, v, a, k, _, _) => ToInteger(v, ArgumentReader.Get(a, k, 0, "default", 0L)),
        ["float"] = (_, v, a, k, _, _) => ToFloat(v, ArgumentReader.Get(a, k, 0, "default", 0.0)),
        ["abs"] = (_, v, _, _, o, _) => v switch
        {
            long l => (object)Math.Abs(l),
            double d => (object)Math.Abs(d),
            _ => throw new TemplateError(o, $"bad operand type for abs(): '{TemplateValues.TypeName(v)}'"),
        },
        ["round"] = Round,
        ["first"] = (_, v, _, _, o, _) => TemplateValues.ToList(v, o) is { Count: > 0 } items ? items[0] : Undefined.Instance,
        ["last"] = (_, v, _, _, o, _) => TemplateValues.ToList(v, o) is { Count: > 0 } items ? items[^1] : Undefined.Instance,
        ["list"] = (_, v, _, _, o, _) => new List<object?>(TemplateValues.ToList(v, o)),
        ["reverse"] = Reverse,
        ["sort"] = Sort,
        ["unique"] = Unique,
        ["min"] = (_, v, _, _, o, _) => Extreme(v, o, wantMax: false),
        ["max"] = (_, v, _, _, o, _) => Extreme(v, o, wantMax: true),
        ["items"] = (_, v, _, _, o, _) => v switch
        {
            OrderedDictionary<string, object?> dict => BuiltinMethods.Items(dict),
            null or Undefined => new List<object?>(),
            _ => throw new TemplateError(o, $"Can only get item pairs from a mapping, not {TemplateValues.TypeName(v)}"),
        },
        ["replace"] = (_, v, a, k, o, _) => TextCase.Replace(
            TemplateValues.ToText(v),
            ArgumentReader.GetString(a, k, 0, "old", string.Empty, o),
            ArgumentReader.GetString(a, k, 1, "new", string.Empty, o),
            ArgumentReader.GetInteger(a, k, 2, "count", -1, o)),
        ["indent"] = Indent,
        ["selectattr"] = (c, v, a, k, o, _) => SelectAttribute(v, a, o, keep: true),
        ["rejectattr"] = (c, v, a, k, o, _) => SelectAttribute(v, a, o, keep: false),
        ["select"] = (c, v, a, k, o, _) => Select(v, a, o, keep: true),
        ["reject"] = (c, v, a, k, o, _) => Select(v, a, o, keep: false),
        ["map"] = Map,
        // Jinja's attr reads object attributes only, never dict keys, so on a dict it is always undefined.
        ["attr"] = (_, v, a, k, o, _) => v is OrderedDictionary<string, object?>
            ? Undefined.Instance
            : ValueAccess.GetAttribute(v, ArgumentReader.GetString(a, k, 0, "name", string.Empty, o)),
        ["escape"] = (_, v, _, _, _, _) => Escape(TemplateValues.ToText(v)),
        ["e"] = (_, v, _, _, _, _) => Escape(TemplateValues.ToText(v)),
    };

    public static bool TryGet(string name, out FilterFunction? filter) => Filters.TryGetValue(name, out filter);

    private static string Trim(object? value, object? chars, int offset)
    {
        string s = TemplateValues.ToText(value);
        return chars switch
        {
            string set => s.Trim(set.ToCharArray()),
            null or Undefined => s.Trim(),
            _ => throw new TemplateError(offset, "trim chars must be a string"),
        };
    }

    private static long Length(object? value, int offset) => value switch
    {
        string s => s.Length,
        List<object?> list => list.Count,
        OrderedDictionary<string, object?> dict => dict.Count,
        NamespaceObject ns => ns.Attributes.Count,
        null or Undefined => 0,
        _ => throw new TemplateError(offset, $"object of type '{TemplateValues.TypeName(value)}' has no len()"),
    };

    private static object? Default(RenderContext context, object? value, List<object?> args, List<KeyValuePair<string, object?>> kwargs, int offset, string name)
    {
        object? fallback = ArgumentReader.Get(args, kwargs, 0, "default_value", string.Empty);
        bool boolean = ArgumentReader.GetBool(args, kwargs, 1, "boolean", false);
        bool useFallback = value is Undefined || (boolean && !TemplateValues.IsTruthy(value));
        return useFallback ? fallback : value;
    }

    private static object? Join(RenderContext context, object? value, List<object?> args, List<KeyValuePair<string, object?>> kwargs, int offset, string name)
    {
        string separator = ArgumentReader.GetString(args, kwargs, 0, "d", string.Empty, offset);
        object? attribute = ArgumentReader.Get(args, kwargs, 1, "attribute", null);
        var sb = new StringBuilder();
        bool first = true;
        foreach (var item in TemplateValues.ToList(value, offset))
        {
            if (!first)
            {
                sb.Append(separator);
            }

            first = false;
            TemplateValues.AppendText(sb, attribute is string path ? Attribute(item, path) : item);
        }

        return sb.ToString();
    }

    private static object? ToInteger(object? value, object? fallback) => value switch
    {
        long l => l,
        bool b => b ? 1L : 0L,
        double d => double.IsFinite(d) ? (long)Math.Truncate(d) : fallback,
        string s when long.TryParse(s.Trim().Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long parsed) => parsed,
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) && double.IsFinite(parsed) => (long)Math.Truncate(parsed),
        _ => fallback,
    };

    private static object? ToFloat(object? value, object? fallback) => value switch
    {
        long l => (double)l,
        double d => d,
        bool b => b ? 1.0 : 0.0,
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) => parsed,
        _ => fallback,
    };

    private static object? Round(RenderContext context, object? value, List<object?> args, List<KeyValuePair<string, object?>> kwargs, int offset, string name)
    {
        long precision = ArgumentReader.GetInteger(args, kwargs, 0, "precision", 0, offset);
        string method = ArgumentReader.GetString(args, kwargs, 1, "method", "common", offset);
        double number = value is long or double or bool ? TemplateValues.ToDouble(value) : throw new TemplateError(offset, "round expects a number");
        double scale = Math.Pow(10, precision);
        double scaled = number * scale;
        double rounded = method switch
        {
            // Jinja's "common" is Python's round(), which rounds halves to even.
            "common" => Math.Round(scaled, MidpointRounding.ToEven),
            "ceil" => Math.Ceiling(scaled),
            "floor" => Math.Floor(scaled),
            _ => throw new TemplateError(offset, "method must be 'common', 'ceil' or 'floor'"),
        };
        return rounded / scale;
    }

    private static object? Reverse(RenderContext context, object? value, List<object?> args, List<KeyValuePair<string, object?>> kwargs, int offset, string name)
    {
        if (value is string s)
        {
            var chars = s.ToCharArray();
            Array.Reverse(chars);
            return new string(chars);
        }

        var items = new List<object?>(TemplateValues.ToList(value, offset));
        items.Reverse();
        return items;
    }

    private static object? Sort(RenderContext context, object? value, List<object?> args, List<KeyValuePair<string, object?>> kwargs, int offset, string name)
    {
        bool reverse = ArgumentReader.GetBool(args, kwargs, 0, "reverse", false);
        object? attribute = ArgumentReader.Get(args, kwargs, 2, "attribute", null);
        var items = new List<object?>(TemplateValues.ToList(value, offset));
        Comparison<object?> compare = attribute is string path
            ? (x, y) => TemplateValues.Compare(Attribute(x, path), Attribute(y, path), offset)
            : (x, y) => TemplateValues.Compare(x, y, offset);

        // Python's sort is stable; List.Sort is not, so sort indices to keep equal items in order.
        var order = Enumerable.Range(0, items.Count).ToArray();
        Array.Sort(order, (i, j) =>
        {
            int c = compare(items[i], items[j]);
            c = reverse ? -c : c;
            return c != 0 ? c : i.CompareTo(j);
        });
        return order.Select(i => items[i]).ToList();
    }

    private static object? Unique(RenderContext context, object? value, List<object?> args, List<KeyValuePair<string, object?>> kwargs, int offset, string name)
    {
        var unique = new List<object?>();
        foreach (var item in TemplateValues.ToList(value, offset))
        {
            if (!unique.Exists(x => TemplateValues.AreEqual(x, item)))
            {
                unique.Add(item);
            }
        }

        return unique;
    }

    private static object? Extreme(object? value, int offset, bool wantMax)
    {
        var items = TemplateValues.ToList(value, offset);
        if (items.Count == 0)
        {
            return Undefined.Instance;
        }

        object? best = items[0];
        foreach (var item in items)
        {
            int c = TemplateValues.Compare(item, best, offset);
            if (wantMax ? c > 0 : c < 0)
            {
                best = item;
            }
        }

        return best;
    }

    /// <summary>Jinja 3's <c>indent</c>: indents every line after the first (and the first too with <c>first=True</c>).</summary>
    private static object? Indent(RenderContext context, object? value, List<object?> args, List<KeyValuePair<string, object?>> kwargs, int offset, string name)
    {
        object? width = ArgumentReader.Get(args, kwargs, 0, "width", 4L);
        string indentation = width switch
        {
            long n => new string(' ', (int)Math.Max(0, n)),
            string s => s,
            _ => throw new TemplateError(offset, "indent width must be an integer or a string"),
        };
        bool first = ArgumentReader.GetBool(args, kwargs, 1, "first", false);
        bool blank = ArgumentReader.GetBool(args, kwargs, 2, "blank", false);

        string text = TemplateValues.ToText(value);
        string[] lines = (text + "\n").Split('\n');
        int lineCount = lines.Length - 1;
        var sb = new StringBuilder(text.Length + (indentation.Length * lineCount));
        for (int i = 0; i < lineCount; i++)
        {
            if (i > 0)
            {
                sb.Append('\n');
            }

            bool indentThis = (i > 0 || first) && (blank || lines[i].Length > 0 || (i == 0 && first));
            if (indentThis)
            {
                sb.Append(indentation);
            }

            sb.Append(lines[i]);
        }

        return sb.ToString();
    }

    private static object? SelectAttribute(object? value, List<object?> args, int offset, bool keep)
    {
        if (args.Count == 0 || args[0] is not string path)
        {
            throw new TemplateError(offset, "selectattr/rejectattr need an attribute name");
        }

        TestFunction? test = null;
        if (args.Count > 1)
        {
            string testName = args[1] as string ?? throw new TemplateError(offset, "test name must be a string");
            if (!BuiltinTests.TryGet(testName, out test))
            {
                throw new TemplateError(offset, $"No test named '{testName}'");
            }
        }

        var testArgs = args.Count > 2 ? args.GetRange(2, args.Count - 2) : [];
        var kept = new List<object?>();
        foreach (var item in TemplateValues.ToList(value, offset))
        {
            object? attribute = Attribute(item, path);
            bool passes = test is null ? TemplateValues.IsTruthy(attribute) : test(attribute, testArgs, offset);
            if (passes == keep)
            {
                kept.Add(item);
            }
        }

        return kept;
    }

    private static object? Select(object? value, List<object?> args, int offset, bool keep)
    {
        TestFunction? test = null;
        if (args.Count > 0)
        {
            string testName = args[0] as string ?? throw new TemplateError(offset, "test name must be a string");
            if (!BuiltinTests.TryGet(testName, out test))
            {
                throw new TemplateError(offset, $"No test named '{testName}'");
            }
        }

        var testArgs = args.Count > 1 ? args.GetRange(1, args.Count - 1) : [];
        var kept = new List<object?>();
        foreach (var item in TemplateValues.ToList(value, offset))
        {
            bool passes = test is null ? TemplateValues.IsTruthy(item) : test(item, testArgs, offset);
            if (passes == keep)
            {
                kept.Add(item);
            }
        }

        return kept;
    }

    private static object? Map(RenderContext context, object? value, List<object?> args, List<KeyValuePair<string, object?>> kwargs, int offset, string name)
    {
        var items = TemplateValues.ToList(value, offset);
        var mapped = new List<object?>(items.Count);
        object? attribute = ArgumentReader.Get([], kwargs, 0, "attribute", null);
        if (attribute is string path)
        {
            object? fallback = ArgumentReader.Get([], kwargs, 0, "default", Undefined.Instance);
            foreach (var item in items)
            {
                object? result = Attribute(item, path);
                mapped.Add(result is Undefined ? fallback : result);
            }

            return mapped;
        }

        if (args.Count == 0 || args[0] is not string filterName)
        {
            throw new TemplateError(offset, "map needs a filter name or attribute=");
        }

        if (!TryGet(filterName, out var filter))
        {
            throw new TemplateError(offset, $"No filter named '{filterName}'");
        }

        var filterArgs = args.GetRange(1, args.Count - 1);
        foreach (var item in items)
        {
            mapped.Add(filter!(context, item, filterArgs, [], offset, filterName));
        }

        return mapped;
    }

    /// <summary>Jinja's attribute paths: <c>"function.name"</c> walks nested attributes, digits index lists.</summary>
    private static object? Attribute(object? item, string path)
    {
        object? current = item;
        foreach (var part in path.Split('.'))
        {
            current = current is List<object?> && long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out long index)
                ? ValueAccess.GetItem(current, index, 0)
                : ValueAccess.GetAttribute(current, part);
        }

        return current;
    }

    private static string Escape(string s) => s
        .Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal)
        .Replace("\"", "&#34;", StringComparison.Ordinal)
        .Replace("'", "&#39;", StringComparison.Ordinal);
}

using System.Text;

namespace Gateway.ChatTemplates;

/// <summary>The Python methods templates call on strings (<c>content.strip()</c>), dicts (<c>.items()</c>) and lists.</summary>
internal static class BuiltinMethods
{
    public static bool TryInvoke(
        object? target,
        string name,
        List<object?> args,
        List<KeyValuePair<string, object?>> kwargs,
        int offset,
        out object? result)
    {
        result = target switch
        {
            string s => StringMethod(s, name, args, kwargs, offset),
            OrderedDictionary<string, object?> dict => DictMethod(dict, name, args, offset),
            List<object?> list => ListMethod(list, name, args, offset),
            _ => NotAMethod,
        };
        return !ReferenceEquals(result, NotAMethod);
    }

    private static readonly object NotAMethod = new();

    private static object? StringMethod(string s, string name, List<object?> args, List<KeyValuePair<string, object?>> kwargs, int offset)
    {
        switch (name)
        {
            case "strip": return Strip(s, args, offset, leading: true, trailing: true);
            case "lstrip": return Strip(s, args, offset, leading: true, trailing: false);
            case "rstrip": return Strip(s, args, offset, leading: false, trailing: true);
            case "upper": return s.ToUpperInvariant();
            case "lower": return s.ToLowerInvariant();
            case "title": return TextCase.Title(s);
            case "capitalize": return TextCase.Capitalize(s);
            case "startswith": return Affix(s, args, offset, (str, p) => str.StartsWith(p, StringComparison.Ordinal));
            case "endswith": return Affix(s, args, offset, (str, p) => str.EndsWith(p, StringComparison.Ordinal));
            case "split": return Split(s, args, kwargs, offset);
            case "replace":
                return TextCase.Replace(
                    s,
                    ArgumentReader.GetString(args, kwargs, 0, "old", string.Empty, offset),
                    ArgumentReader.GetString(args, kwargs, 1, "new", string.Empty, offset),
                    ArgumentReader.GetInteger(args, kwargs, 2, "count", -1, offset));
            case "find": return (long)s.IndexOf(ArgumentReader.GetString(args, kwargs, 0, "sub", string.Empty, offset), StringComparison.Ordinal);
            case "count": return (long)TextCase.CountOccurrences(s, ArgumentReader.GetString(args, kwargs, 0, "sub", string.Empty, offset));
            case "join":
                return string.Join(s, TemplateValues.ToList(ArgumentReader.Get(args, kwargs, 0, "iterable", null), offset).Select(TemplateValues.ToText));
            case "format": return Format(s, args, offset);
            case "isdigit": return s.Length > 0 && s.All(char.IsDigit);
            case "isspace": return s.Length > 0 && s.All(char.IsWhiteSpace);
            default: throw new TemplateError(offset, $"'str' object has no attribute '{name}'");
        }
    }

    private static object? DictMethod(OrderedDictionary<string, object?> dict, string name, List<object?> args, int offset)
    {
        switch (name)
        {
            case "items": return Items(dict);
            case "keys": return dict.Keys.Select(k => (object?)k).ToList();
            case "values": return dict.Values.ToList();
            case "get":
                object? key = ArgumentReader.Get(args, null, 0, "key", null);
                object? fallback = ArgumentReader.Get(args, null, 1, "default", null);
                return key is string k && dict.TryGetValue(k, out var v) ? v : fallback;
            default:
                // A dict holding a callable under that key (rare) is still callable, so let the caller look it up.
                return dict.ContainsKey(name) ? NotAMethod : throw new TemplateError(offset, $"'dict' object has no attribute '{name}'");
        }
    }

    public static List<object?> Items(OrderedDictionary<string, object?> dict)
    {
        var items = new List<object?>(dict.Count);
        foreach (var (key, value) in dict)
        {
            items.Add(new List<object?>(2) { key, value });
        }

        return items;
    }

    /// <summary>Read-only list methods: transformers renders in an immutable sandbox, so templates cannot mutate lists.</summary>
    private static object? ListMethod(List<object?> list, string name, List<object?> args, int offset)
    {
        switch (name)
        {
            case "index":
                return (long)list.FindIndex(x => TemplateValues.AreEqual(x, ArgumentReader.Get(args, null, 0, "value", null)));
            default:
                throw new TemplateError(offset, $"'list' object has no attribute '{name}'");
        }
    }

    private static string Strip(string s, List<object?> args, int offset, bool leading, bool trailing)
    {
        object? chars = ArgumentReader.Get(args, null, 0, "chars", null);
        if (chars is string set)
        {
            return leading && trailing ? s.Trim(set.ToCharArray()) : leading ? s.TrimStart(set.ToCharArray()) : s.TrimEnd(set.ToCharArray());
        }

        if (chars is not (null or Undefined))
        {
            throw new TemplateError(offset, "strip arg must be None or str");
        }

        return leading && trailing ? s.Trim() : leading ? s.TrimStart() : s.TrimEnd();
    }

    private static bool Affix(string s, List<object?> args, int offset, Func<string, string, bool> matches) =>
        ArgumentReader.Get(args, null, 0, "prefix", null) switch
        {
            string p => matches(s, p),
            List<object?> options => options.Exists(o => o is string p && matches(s, p)),
            var other => throw new TemplateError(offset, $"expected str or tuple, not {TemplateValues.TypeName(other)}"),
        };

    private static List<object?> Split(string s, List<object?> args, List<KeyValuePair<string, object?>> kwargs, int offset)
    {
        object? separator = ArgumentReader.Get(args, kwargs, 0, "sep", null);
        long maxSplit = ArgumentReader.GetInteger(args, kwargs, 1, "maxsplit", -1, offset);
        int count = maxSplit < 0 ? int.MaxValue : (int)Math.Min(int.MaxValue - 1, maxSplit + 1);
        if (separator is string sep)
        {
            if (sep.Length == 0)
            {
                throw new TemplateError(offset, "empty separator");
            }

            return s.Split(sep, count).Select(p => (object?)p).ToList();
        }

        // Python's sep=None: runs of whitespace separate, and leading/trailing whitespace yields no empty parts.
        return s.Split((char[]?)null, count, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => (object?)p).ToList();
    }

    /// <summary><c>str.format</c> with positional <c>{}</c> / <c>{0}</c> fields only, which is all chat templates use.</summary>
    private static string Format(string s, List<object?> args, int offset)
    {
        var sb = new StringBuilder(s.Length);
        int auto = 0;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '{' && i + 1 < s.Length && s[i + 1] == '{')
            {
                sb.Append('{');
                i++;
            }
            else if (c == '}' && i + 1 < s.Length && s[i + 1] == '}')
            {
                sb.Append('}');
                i++;
            }
            else if (c == '{')
            {
                int close = s.IndexOf('}', i);
                if (close < 0)
                {
                    throw new TemplateError(offset, "Single '{' encountered in format string");
                }

                string field = s[(i + 1)..close];
                int index = field.Length == 0 ? auto++ : int.TryParse(field, out int n) ? n : throw new TemplateError(offset, $"Unsupported format field '{field}'");
                if (index >= args.Count)
                {
                    throw new TemplateError(offset, "Replacement index out of range for format");
                }

                sb.Append(TemplateValues.ToText(args[index]));
                i = close;
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}

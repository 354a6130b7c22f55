using System.Text;

namespace Gateway.ChatTemplates;

/// <summary>Python semantics for the binary operators a template can use.</summary>
internal static class Operators
{
    public static object? Apply(string op, object? left, object? right, int offset) => op switch
    {
        "+" => Add(left, right, offset),
        "-" => Arithmetic(op, left, right, offset),
        "*" => Multiply(left, right, offset),
        "/" => Arithmetic(op, left, right, offset),
        "//" => Arithmetic(op, left, right, offset),
        "%" => Arithmetic(op, left, right, offset),
        "**" => Arithmetic(op, left, right, offset),
        "~" => TemplateValues.ToText(left) + TemplateValues.ToText(right),
        "==" => TemplateValues.AreEqual(left, right),
        "!=" => !TemplateValues.AreEqual(left, right),
        "<" => TemplateValues.Compare(left, right, offset) < 0,
        "<=" => TemplateValues.Compare(left, right, offset) <= 0,
        ">" => TemplateValues.Compare(left, right, offset) > 0,
        ">=" => TemplateValues.Compare(left, right, offset) >= 0,
        "in" => Contains(right, left, offset),
        "not in" => !Contains(right, left, offset),
        _ => throw new TemplateError(offset, $"Unknown operator '{op}'"),
    };

    public static bool Contains(object? container, object? item, int offset) => container switch
    {
        string s when item is string sub => s.Contains(sub, StringComparison.Ordinal),
        string => throw new TemplateError(offset, $"'in <string>' requires string as left operand, not {TemplateValues.TypeName(item)}"),
        List<object?> list => list.Exists(x => TemplateValues.AreEqual(x, item)),
        OrderedDictionary<string, object?> dict => item is string key && dict.ContainsKey(key),
        NamespaceObject ns => item is string key && ns.Attributes.ContainsKey(key),
        null or Undefined => false,
        _ => throw new TemplateError(offset, $"argument of type '{TemplateValues.TypeName(container)}' is not iterable"),
    };

    private static object? Add(object? left, object? right, int offset)
    {
        if (left is string ls && right is string rs)
        {
            return string.Concat(ls, rs);
        }

        if (left is List<object?> ll && right is List<object?> rl)
        {
            var joined = new List<object?>(ll.Count + rl.Count);
            joined.AddRange(ll);
            joined.AddRange(rl);
            return joined;
        }

        return Arithmetic("+", left, right, offset);
    }

    private static object? Multiply(object? left, object? right, int offset)
    {
        if (left is string s && right is long n)
        {
            return Repeat(s, n, offset);
        }

        if (left is long n2 && right is string s2)
        {
            return Repeat(s2, n2, offset);
        }

        if (left is List<object?> list && right is long count)
        {
            CheckRepeatSize(list.Count, count, offset);
            var repeated = new List<object?>();
            for (long i = 0; i < count; i++)
            {
                repeated.AddRange(list);
            }

            return repeated;
        }

        return Arithmetic("*", left, right, offset);
    }

    /// <summary>The largest string or list a repetition may build: far beyond any prompt, far below exhausting memory.</summary>
    private const long MaxRepeatedLength = 1 << 24;

    private static string Repeat(string s, long count, int offset)
    {
        CheckRepeatSize(s.Length, count, offset);
        var sb = new StringBuilder();
        for (long i = 0; i < count; i++)
        {
            sb.Append(s);
        }

        return sb.ToString();
    }

    private static void CheckRepeatSize(long itemLength, long count, int offset)
    {
        if (count > 0 && itemLength > 0 && count > MaxRepeatedLength / itemLength)
        {
            throw new TemplateError(offset, $"Repetition result would exceed {MaxRepeatedLength} items");
        }
    }

    private static object? Arithmetic(string op, object? left, object? right, int offset)
    {
        if (!IsNumeric(left) || !IsNumeric(right))
        {
            throw new TemplateError(
                offset,
                $"Unsupported operand types for {op}: '{TemplateValues.TypeName(left)}' and '{TemplateValues.TypeName(right)}'");
        }

        if (AsLong(left, out long a) && AsLong(right, out long b))
        {
            switch (op)
            {
                case "+": return a + b;
                case "-": return a - b;
                case "*": return a * b;
                case "/":
                    return b == 0 ? throw new TemplateError(offset, "division by zero") : (double)a / b;
                case "//":
                    return b == 0 ? throw new TemplateError(offset, "integer division by zero") : FloorDiv(a, b);
                case "%":
                    return b == 0 ? throw new TemplateError(offset, "integer modulo by zero") : a - (b * FloorDiv(a, b));
                case "**":
                    return b >= 0 ? (object)(long)Math.Pow(a, b) : (object)Math.Pow(a, b);
            }
        }

        double x = TemplateValues.ToDouble(left);
        double y = TemplateValues.ToDouble(right);
        if (y == 0 && op is "/" or "//" or "%")
        {
            throw new TemplateError(offset, "float division by zero");
        }

        return op switch
        {
            "+" => x + y,
            "-" => x - y,
            "*" => x * y,
            "/" => x / y,
            "//" => Math.Floor(x / y),
            "%" => x - (y * Math.Floor(x / y)),
            _ => Math.Pow(x, y),
        };
    }

    private static bool IsNumeric(object? value) => value is long or double or bool;

    private static bool AsLong(object? value, out long result)
    {
        switch (value)
        {
            case long l:
                result = l;
                return true;
            case bool b:
                result = b ? 1 : 0;
                return true;
            default:
                result = 0;
                return false;
        }
    }

    private static long FloorDiv(long a, long b)
    {
        long q = a / b;
        return (a % b != 0) && ((a < 0) != (b < 0)) ? q - 1 : q;
    }
}

namespace Gateway.ChatTemplates;

/// <summary>The Jinja tests chat templates use after <c>is</c>; resolved by name at parse time.</summary>
internal static class BuiltinTests
{
    private static readonly Dictionary<string, TestFunction> Tests = new(StringComparer.Ordinal)
    {
        ["defined"] = (v, _, _) => v is not Undefined,
        ["undefined"] = (v, _, _) => v is Undefined,
        ["none"] = (v, _, _) => v is null,
        ["string"] = (v, _, _) => v is string,
        ["number"] = (v, _, _) => v is long or double,
        ["integer"] = (v, _, _) => v is long,
        ["float"] = (v, _, _) => v is double,
        ["boolean"] = (v, _, _) => v is bool,
        ["true"] = (v, _, _) => v is true,
        ["false"] = (v, _, _) => v is false,
        ["mapping"] = (v, _, _) => v is OrderedDictionary<string, object?>,
        ["iterable"] = (v, _, _) => v is string or List<object?> or OrderedDictionary<string, object?>,
        ["sequence"] = (v, _, _) => v is string or List<object?> or OrderedDictionary<string, object?>,
        ["callable"] = (v, _, _) => v is TemplateCallable or MacroValue,
        ["odd"] = (v, _, o) => Integer(v, o) % 2 != 0,
        ["even"] = (v, _, o) => Integer(v, o) % 2 == 0,
        ["divisibleby"] = (v, a, o) => Integer(v, o) % NonZero(Integer(ArgumentReader.Get(a, null, 0, "num", 1L), o), o) == 0,
        ["equalto"] = Equal,
        ["eq"] = Equal,
        ["sameas"] = (v, a, _) => TemplateValues.AreEqual(v, ArgumentReader.Get(a, null, 0, "other", null)) && v?.GetType() == ArgumentReader.Get(a, null, 0, "other", null)?.GetType(),
        ["ne"] = (v, a, o) => !Equal(v, a, o),
        ["lt"] = (v, a, o) => TemplateValues.Compare(v, ArgumentReader.Get(a, null, 0, "other", null), o) < 0,
        ["le"] = (v, a, o) => TemplateValues.Compare(v, ArgumentReader.Get(a, null, 0, "other", null), o) <= 0,
        ["gt"] = (v, a, o) => TemplateValues.Compare(v, ArgumentReader.Get(a, null, 0, "other", null), o) > 0,
        ["ge"] = (v, a, o) => TemplateValues.Compare(v, ArgumentReader.Get(a, null, 0, "other", null), o) >= 0,
        ["in"] = (v, a, o) => Operators.Contains(ArgumentReader.Get(a, null, 0, "seq", null), v, o),
        ["lower"] = (v, _, _) => v is string s && s == s.ToLowerInvariant(),
        ["upper"] = (v, _, _) => v is string s && s == s.ToUpperInvariant(),
    };

    public static bool TryGet(string name, out TestFunction? test) => Tests.TryGetValue(name, out test);

    private static bool Equal(object? value, List<object?> args, int offset) =>
        TemplateValues.AreEqual(value, ArgumentReader.Get(args, null, 0, "other", null));

    private static long NonZero(long value, int offset) =>
        value != 0 ? value : throw new TemplateError(offset, "integer modulo by zero");

    private static long Integer(object? value, int offset) => value switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw new TemplateError(offset, $"expected an integer, got {TemplateValues.TypeName(value)}"),
    };
}

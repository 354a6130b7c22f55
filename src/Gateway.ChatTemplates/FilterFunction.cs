namespace Gateway.ChatTemplates;

/// <summary>A Jinja filter: <c>value | name(args)</c>.</summary>
internal delegate object? FilterFunction(
    RenderContext context,
    object? value,
    List<object?> args,
    List<KeyValuePair<string, object?>> kwargs,
    int offset,
    string name);

/// <summary>A Jinja test: <c>value is name(args)</c>.</summary>
internal delegate bool TestFunction(object? value, List<object?> args, int offset);

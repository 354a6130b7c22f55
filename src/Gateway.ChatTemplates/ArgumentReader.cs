namespace Gateway.ChatTemplates;

/// <summary>Reads the n-th argument of a filter, test, method or function, positionally or by keyword.</summary>
internal static class ArgumentReader
{
    public static object? Get(List<object?> args, List<KeyValuePair<string, object?>>? kwargs, int index, string name, object? fallback)
    {
        if (index < args.Count)
        {
            return args[index];
        }

        if (kwargs is not null)
        {
            foreach (var (key, value) in kwargs)
            {
                if (key == name)
                {
                    return value;
                }
            }
        }

        return fallback;
    }

    public static string GetString(List<object?> args, List<KeyValuePair<string, object?>>? kwargs, int index, string name, string fallback, int offset) =>
        Get(args, kwargs, index, name, fallback) switch
        {
            string s => s,
            null or Undefined => fallback,
            var other => throw new TemplateError(offset, $"argument '{name}' must be a string, not {TemplateValues.TypeName(other)}"),
        };

    public static long GetInteger(List<object?> args, List<KeyValuePair<string, object?>>? kwargs, int index, string name, long fallback, int offset) =>
        Get(args, kwargs, index, name, fallback) switch
        {
            long l => l,
            bool b => b ? 1 : 0,
            null or Undefined => fallback,
            var other => throw new TemplateError(offset, $"argument '{name}' must be an integer, not {TemplateValues.TypeName(other)}"),
        };

    public static bool GetBool(List<object?> args, List<KeyValuePair<string, object?>>? kwargs, int index, string name, bool fallback) =>
        Get(args, kwargs, index, name, fallback) is var value && value is not Undefined ? TemplateValues.IsTruthy(value) : fallback;
}

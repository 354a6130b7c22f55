using System.Text.Json;

namespace Gateway.OpenAi;

/// <summary>
/// Reads request fields one by one from the JSON body, so every wrong type or out-of-range value is reported with the
/// exact parameter name, as OpenAI does (a generic deserializer would only say "invalid JSON"). Unknown fields are ignored.
/// </summary>
public readonly struct JsonRequestReader(JsonElement root)
{
    public JsonElement Root => root;

    public bool Has(string name) => root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    public string RequiredString(string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw OpenAiRequestException.InvalidParameter(name, $"Missing required parameter: '{name}'.", "missing_required_parameter");
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw TypeError(name, "a string", value);
    }

    public string? OptionalString(string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : throw TypeError(name, "a string", value)
            : null;

    public bool OptionalBool(string name, bool fallback) =>
        root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw TypeError(name, "a boolean", value),
            }
            : fallback;

    public int? OptionalInt(string name, int min, int max)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var n))
        {
            throw TypeError(name, "an integer", value);
        }

        return n < min || n > max
            ? throw OpenAiRequestException.InvalidParameter(name, $"Invalid '{name}': {n} is out of range; expected a value between {min} and {max}.")
            : (int)n;
    }

    public long? OptionalLong(string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : throw TypeError(name, "an integer", value);
    }

    public float? OptionalFloat(string name, float min, float max)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            throw TypeError(name, "a number", value);
        }

        var f = value.GetDouble();
        return f < min || f > max || double.IsNaN(f)
            ? throw OpenAiRequestException.InvalidParameter(name, $"Invalid '{name}': {f} is out of range; expected a value between {min} and {max}.")
            : (float)f;
    }

    /// <summary><c>stop</c>: a string or an array of up to four strings.</summary>
    public IReadOnlyList<string> StopSequences(string name = "stop")
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            var s = value.GetString()!;
            return s.Length == 0 ? [] : [s];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw TypeError(name, "a string or an array of strings", value);
        }

        if (value.GetArrayLength() > 4)
        {
            throw OpenAiRequestException.InvalidParameter(name, $"Invalid '{name}': at most 4 stop sequences are allowed.");
        }

        var list = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw TypeError(name, "a string or an array of strings", value);
            }

            if (item.GetString() is { Length: > 0 } s)
            {
                list.Add(s);
            }
        }

        return list;
    }

    public static OpenAiRequestException TypeError(string name, string expected, JsonElement actual) =>
        OpenAiRequestException.InvalidParameter(name,
            $"Invalid type for '{name}': expected {expected}, but got {Describe(actual.ValueKind)}.", "invalid_type");

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };
}

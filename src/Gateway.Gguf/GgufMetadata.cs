using System.Diagnostics.CodeAnalysis;
using Gateway.Inference;

namespace Gateway.Gguf;

/// <summary>
/// Typed access to GGUF metadata. Integer getters accept any integer encoding (writers disagree on uint32 vs int32 vs
/// uint64 for the same key), and a missing or mistyped required key is a <see cref="ModelLoadException"/> naming it.
/// </summary>
public sealed class GgufMetadata
{
    private readonly Dictionary<string, GgufMetadataValue> _values;
    private readonly string _path;

    internal GgufMetadata(Dictionary<string, GgufMetadataValue> values, string path)
    {
        _values = values;
        _path = path;
    }

    public IEnumerable<string> Keys => _values.Keys;

    public int Count => _values.Count;

    public bool Contains(string key) => _values.ContainsKey(key);

    public bool TryGetValue(string key, [NotNullWhen(true)] out GgufMetadataValue? value) => _values.TryGetValue(key, out value);

    public GgufMetadataValue this[string key] =>
        _values.TryGetValue(key, out var v) ? v : throw Problem($"missing metadata key '{key}'");

    public string GetString(string key) =>
        this[key].Value as string ?? throw Problem($"metadata key '{key}' is {this[key].Type}, expected a string");

    public string? GetStringOrDefault(string key, string? fallback = null) =>
        _values.TryGetValue(key, out var v) && v.Value is string s ? s : fallback;

    public long GetInt64(string key) =>
        TryConvertInteger(this[key].Value, out var n) ? n : throw Problem($"metadata key '{key}' is {this[key].Type}, expected an integer");

    public long GetInt64OrDefault(string key, long fallback) =>
        _values.TryGetValue(key, out var v) && TryConvertInteger(v.Value, out var n) ? n : fallback;

    public uint GetUInt32OrDefault(string key, uint fallback) => (uint)GetInt64OrDefault(key, fallback);

    public int GetInt32(string key) => checked((int)GetInt64(key));

    public int GetInt32OrDefault(string key, int fallback) => checked((int)GetInt64OrDefault(key, fallback));

    public float GetSingle(string key) => this[key].Value switch
    {
        float f => f,
        double d => (float)d,
        var o when TryConvertInteger(o, out var n) => n,
        _ => throw Problem($"metadata key '{key}' is {this[key].Type}, expected a number"),
    };

    public float GetSingleOrDefault(string key, float fallback) => _values.ContainsKey(key) ? GetSingle(key) : fallback;

    public bool GetBoolOrDefault(string key, bool fallback) =>
        _values.TryGetValue(key, out var v) && v.Value is bool b ? b : fallback;

    /// <summary>An array value as <typeparamref name="T"/>[]; integer arrays convert between integer widths.</summary>
    public T[] GetArray<T>(string key)
    {
        var value = this[key];
        if (value.Value is T[] typed)
        {
            return typed;
        }

        if (value.Value is Array raw && typeof(T) == typeof(int))
        {
            var result = new int[raw.Length];
            for (var i = 0; i < raw.Length; i++)
            {
                if (!TryConvertInteger(raw.GetValue(i)!, out var n))
                {
                    throw Problem($"metadata array '{key}' holds {value.ElementType}, expected integers");
                }

                result[i] = checked((int)n);
            }

            return (T[])(object)result;
        }

        throw Problem($"metadata key '{key}' is {value.Type} of {value.ElementType}, expected an array of {typeof(T).Name}");
    }

    public T[]? GetArrayOrDefault<T>(string key) => _values.ContainsKey(key) ? GetArray<T>(key) : null;

    private ModelLoadException Problem(string message) => new(_path, message);

    private static bool TryConvertInteger(object value, out long result)
    {
        switch (value)
        {
            case byte v: result = v; return true;
            case sbyte v: result = v; return true;
            case ushort v: result = v; return true;
            case short v: result = v; return true;
            case uint v: result = v; return true;
            case int v: result = v; return true;
            case ulong v when v <= long.MaxValue: result = (long)v; return true;
            case long v: result = v; return true;
            case bool v: result = v ? 1 : 0; return true;
            default: result = 0; return false;
        }
    }
}

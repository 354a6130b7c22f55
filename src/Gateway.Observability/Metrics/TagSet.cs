using System.Globalization;

namespace Gateway.Observability.Metrics;

/// <summary>
/// The identity of one series: the raw tags as recorded (for allocation-free lookups from the measurement span)
/// plus the Prometheus label names and values worked out once when the series is created.
/// </summary>
internal sealed class TagSet
{
    private TagSet(KeyValuePair<string, object?>[] tags, int hash, string[] labelNames, string[] labelValues)
    {
        Tags = tags;
        Hash = hash;
        LabelNames = labelNames;
        LabelValues = labelValues;
    }

    public KeyValuePair<string, object?>[] Tags { get; }

    public int Hash { get; }

    /// <summary>Prometheus label names, sorted ordinally, without duplicates.</summary>
    public string[] LabelNames { get; }

    /// <summary>The values of <see cref="LabelNames"/>, in the same order.</summary>
    public string[] LabelValues { get; }

    public static TagSet FromMeasurement(ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        Create(tags.ToArray(), tags, FormatTagValue);

    /// <summary>The same label names as <paramref name="template"/> with every value replaced by the overflow marker.</summary>
    public static TagSet Overflow(ReadOnlySpan<KeyValuePair<string, object?>> template)
    {
        var tags = new KeyValuePair<string, object?>[template.Length];
        for (var i = 0; i < template.Length; i++)
        {
            tags[i] = new KeyValuePair<string, object?>(template[i].Key, OverflowValue);
        }

        return Create(tags, tags, static _ => OverflowValue);
    }

    public const string OverflowValue = "__overflow__";

    public static int ComputeHash(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        // Order-independent so that callers passing the same tags in a different order land on the same series.
        var hash = tags.Length;
        foreach (var tag in tags)
        {
            hash += HashCode.Combine(tag.Key, tag.Value);
        }

        return hash;
    }

    public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> other)
    {
        if (other.Length != Tags.Length)
        {
            return false;
        }

        foreach (var tag in other)
        {
            if (!Contains(tag))
            {
                return false;
            }
        }

        return true;
    }

    private bool Contains(KeyValuePair<string, object?> tag)
    {
        foreach (var own in Tags)
        {
            if (string.Equals(own.Key, tag.Key, StringComparison.Ordinal) && Equals(own.Value, tag.Value))
            {
                return true;
            }
        }

        return false;
    }

    private static TagSet Create(
        KeyValuePair<string, object?>[] stored,
        ReadOnlySpan<KeyValuePair<string, object?>> source,
        Func<object?, string> formatValue)
    {
        var labels = new (string Name, string Value)[source.Length];
        for (var i = 0; i < source.Length; i++)
        {
            labels[i] = (PrometheusNaming.LabelName(source[i].Key), formatValue(source[i].Value));
        }

        Array.Sort(labels, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        var names = new List<string>(labels.Length);
        var values = new List<string>(labels.Length);
        foreach (var (name, value) in labels)
        {
            // Distinct tag keys can sanitize to one label name ("a.b", "a_b"); a repeated label would void the scrape.
            if (names.Count > 0 && names[^1] == name)
            {
                continue;
            }

            names.Add(name);
            values.Add(value);
        }

        return new TagSet(stored, ComputeHash(stored), [.. names], [.. values]);
    }

    private static string FormatTagValue(object? value) => value switch
    {
        null => string.Empty,
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}

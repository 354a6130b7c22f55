using System.Text;

namespace Gateway.Observability.Metrics;

/// <summary>
/// The identity of one series: the raw tags as recorded (for allocation-free lookups from the measurement span)
/// plus the label text rendered once when the series is created.
/// </summary>
internal sealed class TagSet
{
    private TagSet(KeyValuePair<string, object?>[] tags, int hash, string labelText)
    {
        Tags = tags;
        Hash = hash;
        LabelText = labelText;
    }

    public KeyValuePair<string, object?>[] Tags { get; }

    public int Hash { get; }

    /// <summary>Comma-separated <c>name="value"</c> pairs sorted by name, without braces; empty when untagged.</summary>
    public string LabelText { get; }

    public static TagSet FromMeasurement(ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        Create(tags.ToArray(), tags, static value => PrometheusText.FormatTagValue(value));

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
        var text = new StringBuilder();
        string? previous = null;
        foreach (var (name, value) in labels)
        {
            // Distinct tag keys can sanitize to one label name ("a.b", "a_b"); a repeated label would void the scrape.
            if (name == previous)
            {
                continue;
            }

            previous = name;
            if (text.Length > 0)
            {
                text.Append(',');
            }

            text.Append(name).Append("=\"").Append(PrometheusText.EscapeLabelValue(value)).Append('"');
        }

        return new TagSet(stored, ComputeHash(stored), text.ToString());
    }
}

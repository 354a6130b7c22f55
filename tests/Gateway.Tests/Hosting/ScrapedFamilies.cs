using Gateway.Observability.Metrics;

namespace Gateway.Tests.Hosting;

/// <summary>The families of a text-format scrape: type from the <c># TYPE</c> line, label names from the samples.</summary>
internal static class ScrapedFamilies
{
    public sealed record Family(GatewayMetricType Type, IReadOnlyList<string> LabelNames);

    public static Dictionary<string, Family> Parse(string scrape)
    {
        var types = new Dictionary<string, GatewayMetricType>(StringComparer.Ordinal);
        var labels = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var line in scrape.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                types[parts[2]] = parts[3] switch
                {
                    "counter" => GatewayMetricType.Counter,
                    "histogram" => GatewayMetricType.Histogram,
                    "gauge" => GatewayMetricType.Gauge,
                    var other => throw new InvalidOperationException($"unexpected type {other} in: {line}"),
                };
                labels.TryAdd(parts[2], new SortedSet<string>(StringComparer.Ordinal));
                continue;
            }

            if (line.StartsWith('#'))
            {
                continue;
            }

            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var name = brace < 0 ? line[..line.IndexOf(' ', StringComparison.Ordinal)] : line[..brace];
            var family = types.ContainsKey(name) ? name : StripHistogramSuffix(name);
            if (brace < 0 || !labels.TryGetValue(family, out var names))
            {
                continue;
            }

            // Label values may hold commas and escaped quotes: split on the separators outside quotes only.
            var inQuotes = false;
            var start = brace + 1;
            for (var i = brace + 1; i < line.Length; i++)
            {
                var c = line[i];
                if (c == '\\' && inQuotes)
                {
                    i++;
                    continue;
                }

                if (c == '"')
                {
                    inQuotes = !inQuotes;
                }
                else if (!inQuotes && (c == ',' || c == '}'))
                {
                    var pair = line[start..i];
                    var label = pair[..pair.IndexOf('=', StringComparison.Ordinal)];
                    if (label != "le")
                    {
                        names.Add(label);
                    }

                    start = i + 1;
                    if (c == '}')
                    {
                        break;
                    }
                }
            }
        }

        return types.ToDictionary(t => t.Key, t => new Family(t.Value, [.. labels[t.Key]]), StringComparer.Ordinal);
    }

    private static string StripHistogramSuffix(string name)
    {
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal))
            {
                return name[..^suffix.Length];
            }
        }

        return name;
    }
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace Gateway.Observability.Tests.Metrics;

/// <summary>
/// A strict reader of the text format used to prove a scrape is well formed: every line must be HELP, TYPE or a
/// sample, every sample must belong to the family declared just before it.
/// </summary>
internal static partial class ExpositionParser
{
    public static IReadOnlyDictionary<string, double> Parse(string text)
    {
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        string? family = null;
        foreach (var line in text[..^1].Split('\n'))
        {
            if (HelpLine().Match(line) is { Success: true } help)
            {
                family = help.Groups["name"].Value;
                Assert.False(types.ContainsKey(family), $"family {family} declared twice");
                continue;
            }

            if (TypeLine().Match(line) is { Success: true } type)
            {
                Assert.Equal(family, type.Groups["name"].Value);
                types[family!] = type.Groups["type"].Value;
                continue;
            }

            var sample = SampleLine().Match(line);
            Assert.True(sample.Success, $"not a valid sample line: '{line}'");
            var name = sample.Groups["name"].Value;
            Assert.NotNull(family);
            var allowed = types[family] == "histogram"
                ? new[] { family + "_bucket", family + "_sum", family + "_count" }
                : [family];
            Assert.Contains(name, allowed);
            var key = name + "{" + sample.Groups["labels"].Value + "}";
            Assert.True(samples.TryAdd(key, ParseValue(sample.Groups["value"].Value)), $"duplicate series {key}");
        }

        return samples;
    }

    private static double ParseValue(string value) => value switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    [GeneratedRegex(@"^# HELP (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) (?:[^\\\n]|\\\\|\\n)*$")]
    private static partial Regex HelpLine();

    [GeneratedRegex(@"^# TYPE (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) (?<type>counter|gauge|histogram|summary|untyped)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>[a-zA-Z_][a-zA-Z0-9_]*=""(?:[^""\\\n]|\\[\\""n])*""(?:,[a-zA-Z_][a-zA-Z0-9_]*=""(?:[^""\\\n]|\\[\\""n])*"")*)\})? (?<value>\S+)$")]
    private static partial Regex SampleLine();
}

using System.Globalization;

namespace SpikeReplay.Autoscaling;

/// <summary>
/// Reads the Prometheus text exposition format just far enough to total selected metrics over their label sets
/// (one pod serves one model, so the sum is the pod's value).
/// </summary>
internal static class PrometheusTextParser
{
    public static Dictionary<string, double> Totals(string text, IReadOnlySet<string> names)
    {
        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var rawLine in text.AsSpan().EnumerateLines())
        {
            var line = rawLine.Trim();
            if (line.IsEmpty || line[0] == '#')
            {
                continue;
            }

            var nameEnd = line.IndexOfAny('{', ' ');
            if (nameEnd <= 0)
            {
                continue;
            }

            var name = line[..nameEnd].ToString();
            if (!names.Contains(name))
            {
                continue;
            }

            // The value follows the label set (whose values may contain spaces), then an optional timestamp.
            var afterLabels = line[nameEnd] == '{' ? line[(line.LastIndexOf('}') + 1)..].Trim() : line[nameEnd..].Trim();
            var valueEnd = afterLabels.IndexOf(' ');
            var valueText = valueEnd < 0 ? afterLabels : afterLabels[..valueEnd];
            if (double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
            {
                totals[name] = totals.GetValueOrDefault(name) + value;
            }
        }

        return totals;
    }
}

using System.Text;

namespace Gateway.Observability.Metrics;

/// <summary>
/// Maps OpenTelemetry-style instrument names and UCUM units to Prometheus metric names, following the
/// OpenTelemetry-to-Prometheus compatibility rules: invalid characters become underscores, the unit becomes a suffix
/// unless the name already carries it, and counters end in <c>_total</c>.
/// </summary>
internal static class PrometheusNaming
{
    private const string TotalSuffix = "_total";

    /// <summary>Suffixes Prometheus reserves for the series of histograms and summaries.</summary>
    private static readonly string[] ReservedSeriesSuffixes = ["_count", "_sum", "_bucket"];

    public static string MetricName(string instrumentName, string? unit, bool isCounter, bool isHistogram = false)
    {
        var name = Sanitize(instrumentName, allowColon: true);
        if (isCounter && name.EndsWith(TotalSuffix, StringComparison.Ordinal))
        {
            // Re-appended last so that a unit suffix, when missing, goes before it.
            name = name[..^TotalSuffix.Length];
        }

        var unitSuffix = UnitSuffix(unit);
        if (unitSuffix.Length > 0 && !name.EndsWith("_" + unitSuffix, StringComparison.Ordinal))
        {
            name = name + "_" + unitSuffix;
        }

        if (isCounter)
        {
            return name + TotalSuffix;
        }

        // A gauge such as "dotnet.assembly.count" would read as a histogram's _count series to Prometheus tooling.
        return !isHistogram && ReservedSeriesSuffixes.Any(suffix => name.EndsWith(suffix, StringComparison.Ordinal))
            ? name + "_value"
            : name;
    }

    public static string LabelName(string tagKey)
    {
        var name = Sanitize(tagKey, allowColon: false);
        // Names starting with "__" are reserved for Prometheus internals.
        return name.StartsWith("__", StringComparison.Ordinal) ? "tag" + name : name;
    }

    /// <summary>Prometheus suffix for a UCUM unit; empty for dimensionless units and pure annotations like "{request}".</summary>
    public static string UnitSuffix(string? unit)
    {
        if (string.IsNullOrWhiteSpace(unit))
        {
            return string.Empty;
        }

        var slash = unit.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return UnitWord(unit);
        }

        var numerator = UnitWord(unit[..slash]);
        var denominator = UnitWord(unit[(slash + 1)..]);
        if (denominator.Length == 0)
        {
            return numerator;
        }

        var perUnit = "per_" + SingularTime(denominator);
        return numerator.Length == 0 ? perUnit : numerator + "_" + perUnit;
    }

    private static string UnitWord(string unit)
    {
        var trimmed = StripAnnotations(unit).Trim();
        return trimmed switch
        {
            "" or "1" => string.Empty,
            "d" => "days",
            "h" => "hours",
            "min" => "minutes",
            "s" => "seconds",
            "ms" => "milliseconds",
            "us" => "microseconds",
            "ns" => "nanoseconds",
            "By" => "bytes",
            "KiBy" => "kibibytes",
            "MiBy" => "mebibytes",
            "GiBy" => "gibibytes",
            "TiBy" => "tibibytes",
            "KBy" => "kilobytes",
            "MBy" => "megabytes",
            "GBy" => "gigabytes",
            "TBy" => "terabytes",
            "m" => "meters",
            "V" => "volts",
            "A" => "amperes",
            "J" => "joules",
            "W" => "watts",
            "g" => "grams",
            "Cel" => "celsius",
            "Hz" => "hertz",
            "%" => "percent",
            _ => Sanitize(trimmed, allowColon: false),
        };
    }

    private static string SingularTime(string plural) => plural switch
    {
        "days" => "day",
        "hours" => "hour",
        "minutes" => "minute",
        "seconds" => "second",
        _ => plural,
    };

    private static string StripAnnotations(string unit)
    {
        if (!unit.Contains('{', StringComparison.Ordinal))
        {
            return unit;
        }

        var builder = new StringBuilder(unit.Length);
        var depth = 0;
        foreach (var c in unit)
        {
            if (c == '{')
            {
                depth++;
            }
            else if (c == '}')
            {
                depth = Math.Max(0, depth - 1);
            }
            else if (depth == 0)
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static string Sanitize(string raw, bool allowColon)
    {
        var builder = new StringBuilder(raw.Length + 1);
        foreach (var c in raw)
        {
            var valid = char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':');
            var replacement = valid ? c : '_';
            // Runs of invalid characters (e.g. "a. b") collapse into one underscore.
            if (replacement == '_' && !valid && builder.Length > 0 && builder[^1] == '_')
            {
                continue;
            }

            builder.Append(replacement);
        }

        if (builder.Length == 0 || char.IsAsciiDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }
}

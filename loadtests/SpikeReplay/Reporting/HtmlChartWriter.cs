using System.Globalization;
using System.Net;
using System.Text;
using SpikeReplay.Scenarios;

namespace SpikeReplay.Reporting;

/// <summary>
/// A self-contained HTML page with two inline SVG charts over the run's seconds (TTFT p50/p95, offered/admitted RPS),
/// phases drawn as shaded bands. No scripts or external resources, so it opens anywhere, CI artifact viewers included.
/// </summary>
internal static class HtmlChartWriter
{
    private const int Width = 960;
    private const int Height = 260;
    private const int Left = 60;
    private const int Right = 20;
    private const int Top = 20;
    private const int Bottom = 30;

    private static readonly string[] s_bandColours = ["#eef3fb", "#fbf3e6", "#f8e8ea", "#e9f6ec", "#f1ecf8"];

    public static string Render(RunSummary summary)
    {
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>");
        html.Append(WebUtility.HtmlEncode(summary.Scenario)).AppendLine(" – spike replay</title>");
        html.AppendLine("<style>body{font-family:sans-serif;margin:20px}svg{display:block;margin-bottom:24px}" +
            "text{font-size:11px;fill:#333}.legend span{margin-right:16px}</style></head><body>");
        html.Append("<h2>").Append(WebUtility.HtmlEncode(summary.Scenario)).AppendLine("</h2>");
        html.Append(CultureInfo.InvariantCulture, $"<p>Target {WebUtility.HtmlEncode(summary.BaseUrl)}, model ")
            .Append(WebUtility.HtmlEncode(summary.Model))
            .Append(CultureInfo.InvariantCulture, $", overall goodput {summary.Overall.GoodputRps:F2} rps, ")
            .Append(CultureInfo.InvariantCulture, $"refusals {summary.Overall.Refusals}, 5xx {summary.Overall.ServerErrors}.</p>")
            .AppendLine();

        var timeline = summary.Timeline;
        var seconds = Math.Max(1, timeline.Count);
        var ttftSeries = new[]
        {
            new Series("TTFT p50 (ms)", "#1f77b4", timeline.Select(p => p.TtftP50).ToArray()),
            new Series("TTFT p95 (ms)", "#d62728", timeline.Select(p => p.TtftP95).ToArray()),
        };
        var rpsSeries = new[]
        {
            new Series("offered rps", "#7f7f7f", timeline.Select(p => (double?)p.Offered).ToArray()),
            new Series("admitted rps", "#2ca02c", timeline.Select(p => (double?)p.Admitted).ToArray()),
            new Series("refused rps", "#ff7f0e", timeline.Select(p => (double?)p.Refused).ToArray()),
        };
        AppendChart(html, "Time to first token per second of sending", summary.PhaseWindows, seconds, ttftSeries);
        AppendChart(html, "Requests per second", summary.PhaseWindows, seconds, rpsSeries);
        html.AppendLine("</body></html>");
        return html.ToString();
    }

    public static void Write(string path, RunSummary summary)
    {
        File.WriteAllText(path, Render(summary));
    }

    internal static void AppendChart(StringBuilder html, string title, IReadOnlyList<PhaseWindow> phaseWindows, int seconds, Series[] series)
    {
        var c = CultureInfo.InvariantCulture;
        var max = series.SelectMany(s => s.Values).Where(v => v.HasValue).Select(v => v!.Value).DefaultIfEmpty(0).Max();
        var yMax = NiceCeiling(max);
        var plotWidth = Width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        double X(double second) => Left + second / seconds * plotWidth;
        double Y(double value) => Top + plotHeight - value / yMax * plotHeight;

        html.Append("<h3>").Append(WebUtility.HtmlEncode(title)).AppendLine("</h3>");
        html.AppendLine(c, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\">");
        for (var i = 0; i < phaseWindows.Count; i++)
        {
            var window = phaseWindows[i];
            var x0 = X(window.StartMilliseconds / 1000.0);
            var x1 = X(Math.Min(seconds, window.EndMilliseconds / 1000.0));
            html.AppendLine(c, $"<rect x=\"{x0:F1}\" y=\"{Top}\" width=\"{Math.Max(0, x1 - x0):F1}\" height=\"{plotHeight}\" fill=\"{s_bandColours[i % s_bandColours.Length]}\"/>");
            html.AppendLine(c, $"<text x=\"{x0 + 4:F1}\" y=\"{Top + 12}\">{WebUtility.HtmlEncode(window.Name)}</text>");
        }

        for (var tick = 0; tick <= 4; tick++)
        {
            var value = yMax * tick / 4;
            var y = Y(value);
            html.AppendLine(c, $"<line x1=\"{Left}\" y1=\"{y:F1}\" x2=\"{Width - Right}\" y2=\"{y:F1}\" stroke=\"#ccc\" stroke-width=\"0.5\"/>");
            html.AppendLine(c, $"<text x=\"{Left - 6}\" y=\"{y + 4:F1}\" text-anchor=\"end\">{value:G4}</text>");
        }

        var step = Math.Max(1, seconds / 10);
        for (var second = 0; second <= seconds; second += step)
        {
            html.AppendLine(c, $"<text x=\"{X(second):F1}\" y=\"{Height - 10}\" text-anchor=\"middle\">{second}s</text>");
        }

        foreach (var s in series)
        {
            AppendPolylines(html, s, X, Y);
        }

        html.AppendLine("</svg>");
        html.Append("<div class=\"legend\">");
        foreach (var s in series)
        {
            html.Append(c, $"<span style=\"color:{s.Colour}\">&#9632; {WebUtility.HtmlEncode(s.Label)}</span>");
        }

        html.AppendLine("</div>");
    }

    /// <summary>
    /// Seconds without samples break the line rather than being drawn as zero latency; dots mark every sample so an
    /// isolated second still shows.
    /// </summary>
    private static void AppendPolylines(StringBuilder html, Series series, Func<double, double> x, Func<double, double> y)
    {
        var points = new StringBuilder();
        void Flush()
        {
            if (points.Length > 0)
            {
                html.AppendLine(CultureInfo.InvariantCulture,
                    $"<polyline fill=\"none\" stroke=\"{series.Colour}\" stroke-width=\"1.5\" points=\"{points}\"/>");
                points.Clear();
            }
        }

        for (var i = 0; i < series.Values.Length; i++)
        {
            if (series.Values[i] is { } value)
            {
                points.Append(CultureInfo.InvariantCulture, $"{x(i + 0.5):F1},{y(value):F1} ");
                html.AppendLine(CultureInfo.InvariantCulture,
                    $"<circle cx=\"{x(i + 0.5):F1}\" cy=\"{y(value):F1}\" r=\"1.8\" fill=\"{series.Colour}\"/>");
            }
            else
            {
                Flush();
            }
        }

        Flush();
    }

    private static double NiceCeiling(double value)
    {
        if (value <= 0)
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var multiple in new[] { 1.0, 2.0, 2.5, 5.0, 10.0 })
        {
            if (value <= multiple * magnitude)
            {
                return multiple * magnitude;
            }
        }

        return 10 * magnitude;
    }

    internal sealed record Series(string Label, string Colour, double?[] Values);
}

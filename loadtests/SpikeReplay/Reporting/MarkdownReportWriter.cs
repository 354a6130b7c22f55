using System.Globalization;
using System.Text;

namespace SpikeReplay.Reporting;

/// <summary>Human-readable summary: one table of throughput and refusals, one of latencies, per phase and overall.</summary>
internal static class MarkdownReportWriter
{
    public static string Render(RunSummary summary)
    {
        var md = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        md.AppendLine(c, $"# Spike replay: {summary.Scenario}");
        md.AppendLine();
        md.AppendLine(c, $"- Target: `{summary.BaseUrl}`, model `{summary.Model}`, started {summary.StartedAt:u}, wall {summary.WallSeconds:F1} s");
        md.AppendLine(c, $"- Capacity used for `x_capacity` rates: {(summary.CapacityRps is { } cap ? cap.ToString("F2", c) + " rps" : "n/a")}");
        md.AppendLine(c, $"- SLO for goodput: TTFT {Limit(summary.Slo.TtftMilliseconds)}, TPOT {Limit(summary.Slo.TpotMilliseconds)}, e2e {Limit(summary.Slo.EndToEndMilliseconds)}");
        md.AppendLine("- Latencies cover completed (2xx, [DONE]) requests; goodput ratio = requests within SLO / admitted (2xx).");
        var excluded = summary.PhaseWindows.Where(w => !w.InOverall).Select(w => w.Name).ToList();
        if (excluded.Count > 0)
        {
            md.AppendLine(c, $"- Left out of overall: {string.Join(", ", excluded)}");
        }

        md.AppendLine();
        md.AppendLine("## Throughput and refusals");
        md.AppendLine();
        md.AppendLine("| phase | dur s | offered rps | admitted rps | goodput rps | goodput ratio | refusals | with Retry-After | 5xx | client errors | dropped | statuses |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var w in summary.Phases.Append(summary.Overall))
        {
            var statuses = string.Join(", ", w.StatusCounts.Select(kv => $"{kv.Key}: {kv.Value}"));
            md.AppendLine(c, $"| {w.Name} | {w.DurationSeconds:F0} | {w.OfferedRps:F2} | {w.AdmittedRps:F2} | {w.GoodputRps:F2} | " +
                $"{Ratio(w.GoodputRatio)} | {w.Refusals} | {Percent(w.RefusalRetryAfterPercent)} | {w.ServerErrors} | " +
                $"{w.ClientSideErrors} | {w.ClientDropped} | {statuses} |");
        }

        md.AppendLine();
        md.AppendLine("## Latency (ms, p50 / p95 / p99)");
        md.AppendLine();
        md.AppendLine("| phase | TTFT | ITL | TPOT | e2e | dispatch lag p95 |");
        md.AppendLine("|---|---|---|---|---|---:|");
        foreach (var w in summary.Phases.Append(summary.Overall))
        {
            md.AppendLine(c, $"| {w.Name} | {Triple(w.Ttft)} | {Triple(w.InterTokenLatency)} | {Triple(w.Tpot)} | " +
                $"{Triple(w.EndToEnd)} | {Number(w.DispatchLag.P95)} |");
        }

        return md.ToString();
    }

    public static void Write(string path, RunSummary summary)
    {
        File.WriteAllText(path, Render(summary));
    }

    private static string Triple(LatencyStats stats) => $"{Number(stats.P50)} / {Number(stats.P95)} / {Number(stats.P99)}";

    private static string Number(double? value) => value is { } v ? v.ToString("F1", CultureInfo.InvariantCulture) : "–";

    private static string Ratio(double? value) => value is { } v ? v.ToString("F3", CultureInfo.InvariantCulture) : "–";

    private static string Percent(double? value) => value is { } v ? v.ToString("F1", CultureInfo.InvariantCulture) + "%" : "–";

    private static string Limit(double? ms) => ms is { } v ? v.ToString("F0", CultureInfo.InvariantCulture) + " ms" : "off";
}

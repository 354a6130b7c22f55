using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using SpikeReplay.Autoscaling;
using SpikeReplay.Scenarios;

namespace SpikeReplay.Reporting;

/// <summary>Writes hpa-replay.json, hpa-replay.md and hpa-replay.html, and adds the replay's charts to chart.html.</summary>
internal static class HpaReplayReport
{
    private const string SectionStart = "<!-- hpa-replay -->";
    private const string SectionEnd = "<!-- /hpa-replay -->";
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    public static void Write(string folder, HpaReplayResult result, IReadOnlyList<PhaseWindow> phases)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "hpa-replay.json"), JsonSerializer.Serialize(result, s_indented));
        File.WriteAllText(Path.Combine(folder, "hpa-replay.md"), Markdown(result));
        var section = HtmlSection(result, phases);
        File.WriteAllText(Path.Combine(folder, "hpa-replay.html"),
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>HPA replay</title><style>body{font-family:sans-serif;margin:20px}" +
            "svg{display:block;margin-bottom:24px}text{font-size:11px;fill:#333}.legend span{margin-right:16px}</style></head><body>\n" +
            section + "</body></html>\n");
        var chart = Path.Combine(folder, "chart.html");
        if (File.Exists(chart))
        {
            File.WriteAllText(chart, InsertSection(File.ReadAllText(chart), section));
        }
    }

    /// <summary>Puts the section before &lt;/body&gt;, replacing an earlier replay's section.</summary>
    public static string InsertSection(string page, string section)
    {
        var start = page.IndexOf(SectionStart, StringComparison.Ordinal);
        var end = page.IndexOf(SectionEnd, StringComparison.Ordinal);
        if (start >= 0 && end > start)
        {
            page = page.Remove(start, end + SectionEnd.Length - start);
        }

        var body = page.LastIndexOf("</body>", StringComparison.Ordinal);
        return body < 0 ? page + section : page.Insert(body, section);
    }

    public static string Markdown(HpaReplayResult r)
    {
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine(c, $"# HPA replay: {r.Scenario}");
        md.AppendLine();
        md.AppendLine(c, $"HPA `{r.Hpa.Source}`: {r.Hpa.MetricName} target {r.Hpa.TargetAverageValue:G4} per pod, replicas {r.Hpa.MinReplicas}-{r.Hpa.MaxReplicas}, " +
            $"tolerance {r.Hpa.Tolerance:G3}, sync every {r.Hpa.SyncPeriodSeconds:G3} s, scrape every {r.Hpa.ScrapeIntervalSeconds:G3} s; " +
            $"scale-up: {Rules(r.Hpa.ScaleUp)}; scale-down: {Rules(r.Hpa.ScaleDown)}. Not replayed: {(r.Hpa.OtherMetrics.Count == 0 ? "nothing" : string.Join(", ", r.Hpa.OtherMetrics))}.");
        md.AppendLine();
        md.AppendLine(c, $"The recorded pod stands for each of {r.Settings.RecordedReplicas} pods; a new pod serves {r.Settings.PodStartupSeconds:G4} s after the HPA adds it. " +
            $"Syncs at {r.Settings.SyncOffsetSeconds:G3} s + k x {r.Hpa.SyncPeriodSeconds:G3} s of the run, scrapes at {r.Settings.ScrapeOffsetSeconds:G3} s + k x {r.Hpa.ScrapeIntervalSeconds:G3} s.");
        md.AppendLine();
        md.AppendLine("| figure | value |");
        md.AppendLine("|---|---:|");
        md.AppendLine(c, $"| spike starts at | {Seconds(r.SpikeStartSeconds)} |");
        md.AppendLine(c, $"| first scale-up after the spike's start | {Seconds(r.FirstScaleUpAfterSpikeSeconds)} (to {r.ReplicasAfterFirstScaleUp?.ToString(c) ?? "-"} replicas) |");
        if (r.FirstScaleUpOverPhases is { Count: 3 } phases)
        {
            md.AppendLine(c, $"| same, over all {r.Hpa.SyncPeriodSeconds:G3} x {r.Hpa.ScrapeIntervalSeconds:G3} sync/scrape phases (min / median / max) | {phases[0]:G4} / {phases[1]:G4} / {phases[2]:G4} s |");
        }

        if (r.PhasesScalingUpBeforeSpike is { } early && r.Phases is { } all)
        {
            md.AppendLine(c, $"| phases in which the fleet grew before the spike (on baseline bursts) | {early} of {all} |");
        }

        md.AppendLine(c, $"| peak fleet demand (pod capacities) / pods to cover it | {r.PeakFleetDemand?.ToString("F2", c) ?? "-"} / {r.PodsToCoverPeak?.ToString(c) ?? "-"} |");
        md.AppendLine(c, $"| peak replicas | {r.PeakReplicas} |");
        md.AppendLine(c, $"| ready capacity covers demand from (after the spike's start) | {Seconds(r.CapacityCaughtUpAfterSpikeSeconds)} |");
        md.AppendLine(c, $"| pod capacity at the objective (recorded admitted rps while refusing) | {r.PodCapacityRps?.ToString("F2", c) ?? "-"} |");
        md.AppendLine(c, $"| refusals: fleet of {r.Settings.RecordedReplicas} as recorded / with the replayed HPA / avoided | {r.RecordedRefusals} / {r.ReplayedRefusals:F0} / {r.RefusalsAvoided:F0} |");
        md.AppendLine();
        md.AppendLine("Replicas over time (every 5 s):");
        md.AppendLine();
        md.AppendLine("| s | phase | fleet demand | HPA metric seen | replicas | ready | refusals recorded / replayed |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|---:|");
        foreach (var s in r.Seconds.Where(s => s.Second % 5 == 0))
        {
            md.AppendLine(c, $"| {s.Second} | {s.Phase} | {s.FleetDemand?.ToString("F2", c) ?? "-"} | {s.MetricSeen?.ToString("F2", c) ?? "-"} | {s.Replicas} | {s.Ready} | {s.RecordedRefusals} / {s.ReplayedRefusals:F0} |");
        }

        return md.ToString();
    }

    private static string HtmlSection(HpaReplayResult r, IReadOnlyList<PhaseWindow> phases)
    {
        var c = CultureInfo.InvariantCulture;
        var html = new StringBuilder();
        html.AppendLine(SectionStart);
        html.AppendLine("<h2>HPA replay</h2>");
        html.Append(c, $"<p>{WebUtility.HtmlEncode(r.Hpa.MetricName)} target {r.Hpa.TargetAverageValue:G4} per pod, {r.Hpa.MinReplicas}-{r.Hpa.MaxReplicas} replicas, ")
            .Append(c, $"sync {r.Hpa.SyncPeriodSeconds:G3} s, scrape {r.Hpa.ScrapeIntervalSeconds:G3} s, pod start-up {r.Settings.PodStartupSeconds:G4} s; ")
            .Append(c, $"first scale-up {Seconds(r.FirstScaleUpAfterSpikeSeconds)} after the spike's start (to {r.ReplicasAfterFirstScaleUp?.ToString(c) ?? "-"}), ")
            .Append(c, $"peak {r.PeakReplicas} replicas for a peak demand of {r.PeakFleetDemand?.ToString("F2", c) ?? "-"} pods, ")
            .Append(c, $"capacity caught up {Seconds(r.CapacityCaughtUpAfterSpikeSeconds)} after the start; ")
            .Append(c, $"refusals {r.RecordedRefusals} at a fixed {r.Settings.RecordedReplicas} pods, {r.ReplayedRefusals:F0} with the HPA.</p>")
            .AppendLine();
        var rows = r.Seconds;
        var seconds = Math.Max(1, rows.Count);
        HtmlChartWriter.AppendChart(html, "Replicas and demand (in pods)", phases, seconds,
        [
            new HtmlChartWriter.Series("fleet demand (pod capacities)", "#7f7f7f", rows.Select(s => s.FleetDemand).ToArray()),
            new HtmlChartWriter.Series("replicas (HPA)", "#1f77b4", rows.Select(s => (double?)s.Replicas).ToArray()),
            new HtmlChartWriter.Series("ready pods", "#2ca02c", rows.Select(s => (double?)s.Ready).ToArray()),
        ]);
        HtmlChartWriter.AppendChart(html, "Refusals per second: fixed fleet vs the HPA's fleet", phases, seconds,
        [
            new HtmlChartWriter.Series("recorded (fixed fleet)", "#ff7f0e", rows.Select(s => (double?)s.RecordedRefusals).ToArray()),
            new HtmlChartWriter.Series("with the HPA", "#d62728", rows.Select(s => (double?)s.ReplayedRefusals).ToArray()),
        ]);
        html.AppendLine(SectionEnd);
        return html.ToString();
    }

    private static string Rules(HpaScalingRules rules) => string.Create(CultureInfo.InvariantCulture,
        $"window {rules.StabilizationWindowSeconds} s, {rules.SelectPolicy} of [{string.Join(", ", rules.Policies.Select(p => $"{p.Value} {p.Type} / {p.PeriodSeconds} s"))}]");

    private static string Seconds(double? value) => value is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v:G4} s") : "-";
}

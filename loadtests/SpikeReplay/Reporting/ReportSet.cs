using SpikeReplay.Autoscaling;
using SpikeReplay.Running;

namespace SpikeReplay.Reporting;

/// <summary>Writes every artifact of a run into one folder: summary.json, summary.md, chart.html, records.jsonl.</summary>
internal static class ReportSet
{
    public static RunSummary Write(string folder, RunResult result, RunDescription description,
        IReadOnlyList<MetricsSample>? metrics = null)
    {
        Directory.CreateDirectory(folder);
        var summary = SummaryBuilder.Build(result, description) with { Metrics = metrics is { Count: > 0 } ? metrics : null };
        JsonReportWriter.WriteSummary(Path.Combine(folder, "summary.json"), summary);
        JsonReportWriter.WriteRecords(Path.Combine(folder, "records.jsonl"), result.Records);
        MarkdownReportWriter.Write(Path.Combine(folder, "summary.md"), summary);
        HtmlChartWriter.Write(Path.Combine(folder, "chart.html"), summary);
        return summary;
    }
}

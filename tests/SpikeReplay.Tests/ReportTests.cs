using System.Text.Json;
using SpikeReplay.Client;
using SpikeReplay.Reporting;
using SpikeReplay.Running;
using SpikeReplay.Scenarios;

namespace SpikeReplay.Tests;

public sealed class ReportTests
{
    private static readonly RunDescription s_description =
        new("unit", "http://127.0.0.1:1/", "m", 4.0, new SloLimits { TtftMilliseconds = 500 });

    [Fact]
    public void Phase_and_overall_figures_add_up()
    {
        var summary = SummaryBuilder.Build(SampleRun(), s_description);

        var calm = summary.Phases.Single(p => p.Name == "calm");
        Assert.Equal(4, calm.Offered);
        Assert.Equal(0.4, calm.OfferedRps, 9);
        Assert.Equal(3, calm.Admitted);
        Assert.Equal(2, calm.Goodput);
        Assert.Equal(2.0 / 3.0, calm.GoodputRatio!.Value, 9);
        Assert.Equal(0.5, calm.OfferedGoodputRatio!.Value, 9);

        var spike = summary.Phases.Single(p => p.Name == "spike");
        Assert.Equal(5, spike.Offered);
        Assert.Equal(3, spike.Refusals);
        Assert.Equal(2, spike.RefusalsWithRetryAfter);
        Assert.Equal(200.0 / 3.0, spike.RefusalRetryAfterPercent!.Value, 9);
        Assert.Equal(1, spike.ServerErrors);
        Assert.Equal(1, spike.ClientDropped);
        Assert.Equal(0.75, spike.RefusalRatio!.Value, 9);
        Assert.Equal(new Dictionary<string, int> { ["429"] = 1, ["500"] = 1, ["503"] = 2, ["client_dropped"] = 1 }, spike.StatusCounts);
        Assert.Equal(0, spike.Ttft.Count);

        Assert.Equal(9, summary.Overall.Offered);
        Assert.Equal(3, summary.Overall.Ttft.Count);
        Assert.Equal(100, summary.Overall.Ttft.P50);
        Assert.Equal(6, summary.Overall.InterTokenLatency.Count);
    }

    [Fact]
    public void Phases_marked_out_of_overall_are_reported_but_not_aggregated()
    {
        var run = SampleRun();
        var warmUpExcluded = run with
        {
            Plan = run.Plan with { Phases = [run.Plan.Phases[0] with { InOverall = false }, run.Plan.Phases[1]] },
        };

        var summary = SummaryBuilder.Build(warmUpExcluded, s_description);

        Assert.Equal(4, summary.Phases[0].Offered);
        Assert.Equal(5, summary.Overall.Offered);
        Assert.Equal(10, summary.Overall.DurationSeconds);
        Assert.Equal(0, summary.Overall.Ttft.Count);
        Assert.Contains("Left out of overall: calm", MarkdownReportWriter.Render(summary), StringComparison.Ordinal);
    }

    [Fact]
    public void Timeline_buckets_by_second()
    {
        var summary = SummaryBuilder.Build(SampleRun(), s_description);

        Assert.Equal(20, summary.Timeline.Count);
        var first = summary.Timeline[0];
        Assert.Equal("calm", first.Phase);
        Assert.Equal(2, first.Offered);
        Assert.Equal(2, first.Admitted);
        Assert.Equal(100, first.TtftP95);
        Assert.Equal("spike", summary.Timeline[10].Phase);
        Assert.Equal(3, summary.Timeline[10].Refused);
        Assert.Null(summary.Timeline[5].TtftP50);
    }

    [Fact]
    public void Json_markdown_and_html_reports_are_written()
    {
        var folder = TestFiles.NewTempFolder();

        var summary = ReportSet.Write(folder, SampleRun(), s_description);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
        Assert.Equal(9, json.RootElement.GetProperty("overall").GetProperty("offered").GetInt32());
        Assert.Equal(2, json.RootElement.GetProperty("phases").GetArrayLength());
        Assert.Equal(9, File.ReadAllLines(Path.Combine(folder, "records.jsonl")).Length);
        var markdown = File.ReadAllText(Path.Combine(folder, "summary.md"));
        Assert.Contains("| spike |", markdown, StringComparison.Ordinal);
        Assert.Contains("| overall |", markdown, StringComparison.Ordinal);
        Assert.Contains("66.7%", markdown, StringComparison.Ordinal);
        var html = File.ReadAllText(Path.Combine(folder, "chart.html"));
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains("<polyline", html, StringComparison.Ordinal);
        Assert.Contains(">spike</text>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal)
            .Replace(summary.BaseUrl, "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Records_round_trip_through_jsonl()
    {
        var record = Records.Completed(120, 30, 400) with { HasRetryAfter = true };

        var json = JsonSerializer.Serialize(record);
        var back = JsonSerializer.Deserialize<RequestRecord>(json)!;

        Assert.Contains("\"outcome\":\"Completed\"", json, StringComparison.Ordinal);
        Assert.Equal(record.TtftMilliseconds, back.TtftMilliseconds);
        Assert.Equal(record.InterTokenGapsMilliseconds, back.InterTokenGapsMilliseconds);
    }

    internal static RunResult SampleRun()
    {
        var plan = new LoadPlan(
            [new PhaseWindow("calm", 0, 10_000, 0.4, 0.4), new PhaseWindow("spike", 10_000, 10_000, 0.5, 0.5)],
            []);
        RequestRecord[] records =
        [
            Records.Completed(100, 20, 300, "calm", 100),
            Records.Completed(100, 20, 300, "calm", 900),
            Records.Completed(900, 20, 1100, "calm", 2_500),
            Records.Dropped("calm", 3_000),
            Records.Refused(503, retryAfter: true, "spike", 10_100),
            Records.Refused(503, retryAfter: true, "spike", 10_200),
            Records.Refused(429, retryAfter: false, "spike", 10_300),
            Records.Refused(500, retryAfter: false, "spike", 12_000),
            Records.Dropped("spike", 13_000),
        ];
        return new RunResult(plan, records, DateTimeOffset.UnixEpoch, 20_000);
    }
}

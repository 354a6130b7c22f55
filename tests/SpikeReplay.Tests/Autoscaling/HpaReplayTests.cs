using SpikeReplay.Autoscaling;
using SpikeReplay.Cli;
using SpikeReplay.Scenarios;

namespace SpikeReplay.Tests.Autoscaling;

/// <summary>The replay reads the deployed manifests and reacts to a recorded spike the way the HPA would.</summary>
public sealed class HpaReplayTests
{
    [Fact]
    public void Reads_the_prod_hpa_and_the_servicemonitor_from_deploy_k8s()
    {
        var spec = HpaManifestReader.Read(RepoFile("deploy/k8s/overlays/prod/gateway-hpa.yaml"),
            RepoFile("deploy/k8s/components/prometheus-operator/gateway-servicemonitor.yaml"));

        Assert.Equal("gateway_demand_ratio", spec.MetricName);
        Assert.Equal(0.8, spec.TargetAverageValue, 9);
        Assert.Equal((3, 20), (spec.MinReplicas, spec.MaxReplicas));
        Assert.Equal(0, spec.ScaleUp.StabilizationWindowSeconds);
        Assert.Equal(2, spec.ScaleUp.Policies.Count);
        Assert.Equal(300, spec.ScaleDown.StabilizationWindowSeconds);
        Assert.Equal("Min", spec.ScaleDown.SelectPolicy);
        Assert.Equal((0.1, 15.0, 5.0), (spec.Tolerance, spec.SyncPeriodSeconds, spec.ScrapeIntervalSeconds));
        Assert.Equal(["Resource cpu"], spec.OtherMetrics);
    }

    [Theory]
    [InlineData("800m", 0.8)]
    [InlineData("2", 2.0)]
    [InlineData("0.5", 0.5)]
    [InlineData("1k", 1000.0)]
    public void Parses_kubernetes_quantities(string text, double expected)
    {
        Assert.Equal(expected, HpaManifestReader.ParseQuantity(text), 9);
    }

    [Fact]
    public void A_recorded_10x_spike_scales_up_within_one_sync_period_to_a_fleet_that_covers_it()
    {
        // One pod's gauge: 0.25 at baseline, an exponential approach (10 s constant) to 2.5 from the spike at 70 s.
        var spec = HpaManifestReader.Read(RepoFile("deploy/k8s/overlays/prod/gateway-hpa.yaml"), null);
        var input = SyntheticSpike(baseline: 0.25, spike: 2.5, spikeStart: 70, spikeEnd: 130, end: 190);

        var result = HpaReplay.Run(input, spec, new HpaReplaySettings(RecordedReplicas: 3, PodStartupSeconds: 45));

        Assert.NotNull(result.FirstScaleUpAfterSpikeSeconds);
        Assert.InRange(result.FirstScaleUpAfterSpikeSeconds!.Value, 0, spec.SyncPeriodSeconds);
        // Fleet demand peaks near 7.5 pods: the HPA settles where the per-pod metric is within tolerance of the target
        // (0.8 x 1.1), which is more pods than it takes to cover the demand at exactly capacity.
        Assert.True(result.PeakReplicas >= result.PeakFleetDemand!.Value / (0.8 * 1.1), $"peak {result.PeakReplicas}");
        Assert.True(result.PeakReplicas >= result.PodsToCoverPeak, $"peak {result.PeakReplicas}");
        // Capacity catches up once the pods of the first two syncs are ready: within start-up plus two sync periods.
        Assert.InRange(result.CapacityCaughtUpAfterSpikeSeconds!.Value, 45, 45 + (2 * spec.SyncPeriodSeconds));
        Assert.True(result.ReplayedRefusals < result.RecordedRefusals);
        Assert.Equal(3, result.FirstScaleUpOverPhases!.Count);
        // Before the spike the fleet stays at minReplicas, in every phase.
        Assert.All(result.Seconds.Where(s => s.Second < 70), s => Assert.Equal(3, s.Replicas));
        Assert.Equal((0, 15 * 15), (result.PhasesScalingUpBeforeSpike, result.Phases)); // scrape: the 15 s default
    }

    [Fact]
    public void A_baseline_burst_the_gauge_sees_counts_the_phases_whose_scrape_lands_in_it()
    {
        var spec = HpaManifestReader.Read(RepoFile("deploy/k8s/overlays/prod/gateway-hpa.yaml"), RepoFile("deploy/k8s/components/prometheus-operator/gateway-servicemonitor.yaml"));
        var input = SyntheticSpike(baseline: 0.25, spike: 2.5, spikeStart: 70, spikeEnd: 130, end: 190);
        // Three seconds at 1.2 per pod from 46 s: above the 0.88 threshold, as a partly refused burst reads.
        var burst = input with
        {
            Seconds = [.. input.Seconds.Select(s => s.Second is >= 46 and < 49 ? s with { Demand = 1.2 } : s)],
        };

        var result = HpaReplay.Run(burst, spec, new HpaReplaySettings(RecordedReplicas: 3, PodStartupSeconds: 45));

        // A 5 s scrape lands in the 3 s burst at 3 of its 5 offsets, and the reading it takes stands for 5 s, which
        // 5 of the 15 sync offsets act on: 15 of the 75 phases add pods before the spike.
        Assert.Equal((3 * 5, 15 * 5), (result.PhasesScalingUpBeforeSpike, result.Phases));
    }

    [Fact]
    public async Task The_cli_writes_the_replay_reports_and_adds_them_to_the_chart()
    {
        var folder = TestFiles.NewTempFolder();
        var summary = Path.Combine(folder, "summary.json");
        File.WriteAllText(summary, SummaryJson(SyntheticSpike(0.25, 2.5, 70, 130, 190)));
        File.WriteAllText(Path.Combine(folder, "chart.html"), "<html><body><h2>run</h2></body></html>");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await SpikeReplayCommands.RunAsync(
            ["hpa-replay", "--summary", summary, "--hpa", RepoFile("deploy/k8s/overlays/prod/gateway-hpa.yaml"), "--pod-startup-s", "30"],
            output, error, CancellationToken.None);

        Assert.True(code == ExitCodes.Success, error.ToString());
        Assert.Contains("first scale-up after the spike's start", output.ToString(), StringComparison.Ordinal);
        foreach (var file in new[] { "hpa-replay.json", "hpa-replay.md", "hpa-replay.html" })
        {
            Assert.True(File.Exists(Path.Combine(folder, file)), file);
        }

        var chart = File.ReadAllText(Path.Combine(folder, "chart.html"));
        Assert.Contains("HPA replay", chart, StringComparison.Ordinal);
        Assert.EndsWith("</body></html>", chart.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void Prometheus_text_totals_the_selected_metrics_over_label_sets()
    {
        const string text = """
            # HELP gateway_demand_ratio x
            # TYPE gateway_demand_ratio gauge
            gateway_demand_ratio{model="a"} 0.5
            gateway_demand_ratio{model="b b"} 0.25 1700000000000
            gateway_queue_rejections_total{reason="slo_would_break"} 7
            gateway_queue_rejections_total{reason="queue_full"} 3
            other_metric 9
            """;

        var totals = PrometheusTextParser.Totals(text, MetricsScraper.Names);

        Assert.Equal(0.75, totals["gateway_demand_ratio"], 9);
        Assert.Equal(10, totals["gateway_queue_rejections_total"], 9);
        Assert.False(totals.ContainsKey("other_metric"));
    }

    private static HpaReplayInput SyntheticSpike(double baseline, double spike, int spikeStart, int spikeEnd, int end)
    {
        var seconds = new List<RecordedSecond>();
        var demand = baseline;
        for (var s = 0; s < end; s++)
        {
            var inSpike = s >= spikeStart && s < spikeEnd;
            var goal = inSpike ? spike : baseline;
            demand = goal + (demand - goal) * Math.Exp(-1 / 10.0);
            var offered = inSpike ? 10 : 1;
            var admitted = Math.Min(offered, 4);
            seconds.Add(new RecordedSecond(s, inSpike ? "spike" : s < spikeStart ? "baseline" : "recovery", offered, admitted,
                offered - admitted, demand));
        }

        return new HpaReplayInput("synthetic", seconds,
        [
            new PhaseWindow("baseline", 0, spikeStart * 1000, 1, 1),
            new PhaseWindow("spike", spikeStart * 1000, (spikeEnd - spikeStart) * 1000, 10, 10),
            new PhaseWindow("recovery", spikeEnd * 1000, (end - spikeEnd) * 1000, 1, 1),
        ]);
    }

    private static string SummaryJson(HpaReplayInput input)
    {
        var timeline = input.Seconds.Select(s => new { second = s.Second, phase = s.Phase, offered = s.Offered, admitted = s.Admitted, refused = s.Refused });
        var metrics = input.Seconds.Select(s => new { t_s = s.Second + 0.2, values = new Dictionary<string, double> { ["gateway_demand_ratio"] = s.Demand!.Value } });
        return System.Text.Json.JsonSerializer.Serialize(new
        {
            scenario = input.Scenario,
            phase_windows = input.PhaseWindows,
            timeline,
            metrics_timeline = metrics,
        });
    }

    private static string RepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}

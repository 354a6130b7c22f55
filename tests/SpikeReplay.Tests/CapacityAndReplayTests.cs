using System.Text.Json;
using SpikeReplay.Capacity;
using SpikeReplay.Cli;
using SpikeReplay.Client;
using SpikeReplay.Running;
using SpikeReplay.Scenarios;

namespace SpikeReplay.Tests;

public sealed class CapacityAndReplayTests
{
    private static readonly Scenario s_template = new()
    {
        Name = "probe",
        PromptTokens = LengthDistribution.Fixed(8),
        OutputTokens = LengthDistribution.Fixed(2),
    };

    [Fact]
    public async Task Probe_climbs_while_the_slo_holds_and_reports_the_last_good_rate()
    {
        await using var gateway = await FakeGateway.StartAsync(
            new FakeGatewayBehaviour(2, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(5)));

        var result = await ProbeAsync(gateway, sloTtftMilliseconds: 60_000);

        Assert.Equal([4.0, 8.0, 16.0], result.Steps.Select(s => s.Rps));
        Assert.All(result.Steps, s => Assert.True(s.Passed));
        Assert.Equal(16.0, result.CapacityRps);
    }

    [Fact]
    public async Task Probe_stops_at_the_first_step_that_breaks()
    {
        await using var gateway = await FakeGateway.StartAsync(
            new FakeGatewayBehaviour(2, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(5), RefuseEveryNth: 2));

        var result = await ProbeAsync(gateway, sloTtftMilliseconds: 60_000);

        var step = Assert.Single(result.Steps);
        Assert.False(step.Passed);
        Assert.True(step.RefusalRatio > 0.01);
        Assert.Null(result.CapacityRps);
    }

    [Fact]
    public void Capacity_file_round_trips_and_rejects_a_failed_probe()
    {
        var folder = TestFiles.NewTempFolder();
        var good = Path.Combine(folder, "good.json");
        var failed = Path.Combine(folder, "failed.json");

        new CapacityResult(12.5, 500, 0.01, [new CapacityStep(12.5, 12.4, 300, 0, 0, true)]).Write(good);
        new CapacityResult(null, 500, 0.01, []).Write(failed);

        Assert.Equal(12.5, CapacityResult.ReadCapacity(good));
        Assert.Throws<FormatException>(() => CapacityResult.ReadCapacity(failed));
    }

    [Fact]
    public async Task Cli_capacity_then_run_with_capacity_file()
    {
        await using var gateway = await FakeGateway.StartAsync(
            new FakeGatewayBehaviour(2, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(5)));
        var folder = TestFiles.NewTempFolder();

        var probe = await SpikeReplayCommands.RunAsync(
            ["capacity", "--base-url", gateway.BaseUrl.ToString(), "--out", folder, "--start-rps", "5", "--step-factor", "2",
                "--step-s", "0.4", "--max-rps", "10", "--slo-ttft-ms", "60000"],
            TextWriter.Null, TextWriter.Null, CancellationToken.None);

        Assert.Equal(ExitCodes.Success, probe);
        Assert.Equal(10, CapacityResult.ReadCapacity(Path.Combine(folder, "capacity.json")));

        var scenario = Path.Combine(folder, "relative.json");
        await File.WriteAllTextAsync(scenario, """
            { "name": "relative", "output_tokens": { "kind": "fixed", "value": 2 },
              "phases": [ { "name": "half", "duration_s": 0.5, "rate": { "x_capacity": 0.5 } } ] }
            """);
        var run = await SpikeReplayCommands.RunAsync(
            ["run", "--scenario", scenario, "--base-url", gateway.BaseUrl.ToString(), "--out", Path.Combine(folder, "run"),
                "--quiet", "--capacity-file", Path.Combine(folder, "capacity.json")],
            TextWriter.Null, TextWriter.Null, CancellationToken.None);

        Assert.Equal(ExitCodes.Success, run);
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "run", "summary.json")));
        Assert.Equal(10, summary.RootElement.GetProperty("capacity_rps").GetDouble());
        Assert.Equal(5, summary.RootElement.GetProperty("phase_windows")[0].GetProperty("start_rps").GetDouble());
    }

    [Fact]
    public async Task Cli_replay_sends_every_trace_line()
    {
        await using var gateway = await FakeGateway.StartAsync(
            new FakeGatewayBehaviour(2, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(5)));
        var folder = TestFiles.NewTempFolder();

        var code = await SpikeReplayCommands.RunAsync(
            ["replay", "--trace", TestFiles.ScenarioPath("sample-trace.jsonl"), "--speed", "10", "--api", "chat",
                "--base-url", gateway.BaseUrl.ToString(), "--out", folder, "--quiet", "--assert", "no_errors"],
            TextWriter.Null, TextWriter.Null, CancellationToken.None);

        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal(7, gateway.RequestsSeen);
        Assert.Equal(7, File.ReadAllLines(Path.Combine(folder, "records.jsonl")).Length);
    }

    [Fact]
    public async Task Unreachable_gateway_during_model_discovery_exits_with_target_unusable()
    {
        Uri closed;
        await using (var gateway = await FakeGateway.StartAsync(new FakeGatewayBehaviour(1, TimeSpan.Zero, TimeSpan.Zero)))
        {
            closed = gateway.BaseUrl;
        }

        var error = new StringWriter();
        var code = await SpikeReplayCommands.RunAsync(
            ["run", "--scenario", TestFiles.ScenarioPath("smoke.json"), "--base-url", closed.ToString()],
            TextWriter.Null, error, CancellationToken.None);

        Assert.Equal(ExitCodes.TargetUnusable, code);
        Assert.Contains("v1/models", error.ToString(), StringComparison.Ordinal);
    }

    private static async Task<CapacityResult> ProbeAsync(FakeGateway gateway, double sloTtftMilliseconds)
    {
        using var client = new StreamingCompletionClient(
            new ClientSettings(gateway.BaseUrl, false, "m", null, TimeSpan.FromSeconds(30), 64));
        var probe = new CapacityProbe(client, new RunSettings(64, TimeSpan.FromSeconds(30), 1), TextWriter.Null);
        return await probe.RunAsync(s_template, new CapacityProbeSettings(4, 2, 0.5, 16, sloTtftMilliseconds, 0.01),
            CancellationToken.None);
    }
}

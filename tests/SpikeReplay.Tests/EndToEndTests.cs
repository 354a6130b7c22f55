using System.Text.Json;
using SpikeReplay.Cli;
using SpikeReplay.Client;
using SpikeReplay.Reporting;
using SpikeReplay.Running;
using SpikeReplay.Scenarios;

namespace SpikeReplay.Tests;

public sealed class EndToEndTests
{
    private static readonly TimeSpan s_firstToken = TimeSpan.FromMilliseconds(60);
    private static readonly TimeSpan s_gap = TimeSpan.FromMilliseconds(25);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Records_ttft_gaps_tokens_and_refusals(bool chat)
    {
        await using var gateway = await FakeGateway.StartAsync(new FakeGatewayBehaviour(5, s_firstToken, s_gap));
        var prompts = new[] { "hello", "REFUSE me", "hello again", "BREAK it", "REFUSE too", "bye" };
        var plan = new LoadPlan(
            [new PhaseWindow("only", 0, 1000, 6, 6)],
            prompts.Select((p, i) => new PlannedRequest(i, "only", i * 20.0, 4, 5, Prompt: p)).ToList());

        var result = await RunAsync(gateway, plan, chat, maxInFlight: 16);

        var completed = result.Records.Where(r => r.Outcome == RequestOutcome.Completed).ToList();
        Assert.Equal([0, 2, 5], completed.Select(r => r.Index));
        Assert.All(completed, r =>
        {
            Assert.Equal(200, r.StatusCode);
            Assert.Equal(5, r.TokensReceived);
            Assert.Equal(4, r.InterTokenGapsMilliseconds.Count);
            // Only lower bounds the server guarantees: it waits 60 ms before the first token and 25 ms between
            // tokens, so the last token cannot be read before 160 ms. A loaded machine may read tokens together.
            Assert.True(r.TtftMilliseconds >= 55, $"ttft {r.TtftMilliseconds}");
            Assert.All(r.InterTokenGapsMilliseconds, gap => Assert.True(gap >= 0, $"gap {gap}"));
            Assert.True(r.TtftMilliseconds + r.InterTokenGapsMilliseconds.Sum() >= 155, "last token before the server sent it");
            Assert.True(r.EndToEndMilliseconds >= r.TtftMilliseconds + r.InterTokenGapsMilliseconds.Sum() - 1);
            Assert.Equal((r.EndToEndMilliseconds!.Value - r.TtftMilliseconds!.Value) / 4, r.TpotMilliseconds!.Value, 9);
            Assert.True(r.SentMilliseconds >= r.ScheduledMilliseconds);
        });

        var refused = result.Records.Where(r => r.StatusCode == 503).ToList();
        Assert.Equal([1, 4], refused.Select(r => r.Index));
        Assert.All(refused, r =>
        {
            Assert.True(r.HasRetryAfter);
            Assert.Equal(RequestOutcome.HttpError, r.Outcome);
            Assert.Equal("server_busy: queue full", r.Error);
            Assert.Null(r.TtftMilliseconds);
        });

        var broken = Assert.Single(result.Records, r => r.StatusCode == 500);
        Assert.False(broken.HasRetryAfter);

        var summary = SummaryBuilder.Build(result, new RunDescription("e2e", gateway.BaseUrl.ToString(), "m", null, new SloLimits()));
        Assert.Equal(3, summary.Overall.Admitted);
        Assert.Equal(2, summary.Overall.Refusals);
        Assert.Equal(100, summary.Overall.RefusalRetryAfterPercent);
        Assert.Equal(1, summary.Overall.ServerErrors);
        Assert.Equal(12, summary.Overall.InterTokenLatency.Count);
    }

    [Fact]
    public async Task Arrivals_over_the_in_flight_cap_are_recorded_as_dropped_not_queued()
    {
        await using var gateway = await FakeGateway.StartAsync(
            new FakeGatewayBehaviour(2, TimeSpan.FromMilliseconds(800), TimeSpan.FromMilliseconds(10)));
        var plan = new LoadPlan(
            [new PhaseWindow("only", 0, 100, 3, 3)],
            Enumerable.Range(0, 3).Select(i => new PlannedRequest(i, "only", i * 5.0, 4, 2, Prompt: "x")).ToList());

        var result = await RunAsync(gateway, plan, chat: false, maxInFlight: 1);

        Assert.Equal(RequestOutcome.Completed, result.Records[0].Outcome);
        Assert.Equal([RequestOutcome.ClientDropped, RequestOutcome.ClientDropped], result.Records.Skip(1).Select(r => r.Outcome));
        Assert.Equal(1, gateway.RequestsSeen);
    }

    [Fact]
    public async Task Unreachable_target_is_a_transport_error()
    {
        Uri closedPort;
        await using (var gateway = await FakeGateway.StartAsync(new FakeGatewayBehaviour(1, TimeSpan.Zero, TimeSpan.Zero)))
        {
            closedPort = gateway.BaseUrl;
        }

        using var client = new StreamingCompletionClient(new ClientSettings(closedPort, false, "m", null, TimeSpan.FromSeconds(10), 4));
        var record = await client.SendAsync(new PlannedRequest(0, "p", 0, 4, 4, Prompt: "x"), "x", new RunClock(), CancellationToken.None);

        Assert.Equal(RequestOutcome.TransportError, record.Outcome);
        Assert.Null(record.StatusCode);
        Assert.False(string.IsNullOrEmpty(record.Error));
    }

    [Fact]
    public async Task Cli_run_writes_reports_and_turns_assertions_into_exit_codes()
    {
        await using var gateway = await FakeGateway.StartAsync(
            new FakeGatewayBehaviour(3, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(5), RefuseEveryNth: 3));
        var folder = TestFiles.NewTempFolder();
        var scenarioPath = Path.Combine(folder, "tiny.json");
        await File.WriteAllTextAsync(scenarioPath, """
            {
              "name": "tiny", "seed": 3, "capacity_rps": 10,
              "prompt_tokens": { "kind": "fixed", "value": 12 }, "output_tokens": { "kind": "fixed", "value": 3 },
              "limits": { "max_requests": 40, "max_duration_s": 10, "max_in_flight": 32, "request_timeout_s": 10, "drain_timeout_s": 5 },
              "phases": [
                { "name": "base", "duration_s": 0.6, "rate": { "x_capacity": 1 } },
                { "name": "spike", "duration_s": 0.6, "rate": { "x_capacity": 4 } }
              ]
            }
            """);
        var output = new StringWriter();
        var outFolder = Path.Combine(folder, "out");

        var passing = await SpikeReplayCommands.RunAsync(
            ["run", "--scenario", scenarioPath, "--base-url", gateway.BaseUrl.ToString(), "--out", outFolder, "--quiet",
                "--assert", "no_5xx,retry_after_on_refusals,p95_ttft_ms<60000"],
            output, TextWriter.Null, CancellationToken.None);

        Assert.True(passing == ExitCodes.Success, output.ToString());
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outFolder, "summary.json")));
        var overall = json.RootElement.GetProperty("overall");
        Assert.Equal(gateway.RequestsSeen, overall.GetProperty("sent").GetInt32());
        Assert.Equal(gateway.RequestsSeen / 3, overall.GetProperty("refusals").GetInt32());
        Assert.Equal("fake-model", json.RootElement.GetProperty("model").GetString());
        Assert.True(File.Exists(Path.Combine(outFolder, "chart.html")));
        Assert.Contains("assert PASS: no_5xx", output.ToString(), StringComparison.Ordinal);

        var failing = await SpikeReplayCommands.RunAsync(
            ["run", "--scenario", scenarioPath, "--base-url", gateway.BaseUrl.ToString(), "--out", outFolder, "--quiet",
                "--model", "fake-model", "--assert", "refusal_ratio==0"],
            TextWriter.Null, TextWriter.Null, CancellationToken.None);

        Assert.Equal(ExitCodes.AssertionsFailed, failing);
    }

    private static async Task<RunResult> RunAsync(FakeGateway gateway, LoadPlan plan, bool chat, int maxInFlight)
    {
        using var client = new StreamingCompletionClient(
            new ClientSettings(gateway.BaseUrl, chat, "m", "key", TimeSpan.FromSeconds(30), maxInFlight));
        var runner = new OpenLoopRunner(client, new RunSettings(maxInFlight, TimeSpan.FromSeconds(30), 1), new LiveCounters());
        return await runner.RunAsync(plan, CancellationToken.None);
    }
}

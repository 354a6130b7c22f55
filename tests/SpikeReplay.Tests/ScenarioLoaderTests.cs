using SpikeReplay.Scenarios;

namespace SpikeReplay.Tests;

public sealed class ScenarioLoaderTests
{
    [Fact]
    public void Spike_scenario_is_a_tenfold_spike_over_half_capacity()
    {
        var scenario = ScenarioLoader.LoadFile(TestFiles.ScenarioPath("spike-10x.json"));

        Assert.Equal(["warm-up", "baseline", "spike", "recovery"], scenario.Phases.Select(p => p.Name));
        Assert.Equal([10.0, 60.0, 60.0, 60.0], scenario.Phases.Select(p => p.DurationSeconds));
        var baseline = scenario.Phases[1].Rate!.Resolve(100);
        Assert.Equal(50, baseline, 9);
        Assert.Equal(10 * baseline, scenario.Phases[2].Rate!.Resolve(100), 9);
        Assert.Equal(baseline, scenario.Phases[3].Rate!.Resolve(100), 9);
    }

    [Fact]
    public void Smoke_scenario_finishes_within_thirty_seconds_including_drain()
    {
        var scenario = ScenarioLoader.LoadFile(TestFiles.ScenarioPath("smoke.json"));

        var arrivals = Math.Min(scenario.Phases.Sum(p => p.DurationSeconds), scenario.Limits.MaxDurationSeconds);
        Assert.True(arrivals + scenario.Limits.DrainTimeoutSeconds < 30, $"{arrivals} s + drain");
        Assert.NotEmpty(ScenarioPlanner.Plan(scenario, capacityRps: null).Requests);
    }

    [Fact]
    public void Comments_trailing_commas_and_ramps_parse()
    {
        var scenario = ScenarioLoader.Parse("""
            {
              // a comment
              "name": "ramp",
              "phases": [ { "name": "up", "duration_s": 5, "ramp": { "from": { "rps": 1 }, "to": { "x_capacity": 2 } } }, ],
            }
            """);

        var ramp = scenario.Phases[0].Ramp!;
        Assert.Equal(1, ramp.From!.Resolve(null));
        Assert.Equal(8, ramp.To!.Resolve(4));
    }

    [Theory]
    [InlineData("""{ "phases": [] }""")]
    [InlineData("""{ "phases": [ { "name": "a", "duration_s": 1 } ] }""")]
    [InlineData("""{ "phases": [ { "name": "a", "duration_s": 1, "rate": { "rps": 1 }, "ramp": { "from": { "rps": 1 }, "to": { "rps": 2 } } } ] }""")]
    [InlineData("""{ "phases": [ { "name": "a", "duration_s": 0, "rate": { "rps": 1 } } ] }""")]
    [InlineData("""{ "phases": [ { "name": "a", "duration_s": 1, "rate": { "rps": 1 } }, { "name": "a", "duration_s": 1, "rate": { "rps": 1 } } ] }""")]
    [InlineData("""{ "phases": [ { "name": "a", "duration_s": 1, "rate": { "rsp": 1 } } ] }""")]
    [InlineData("""{ "api": "embeddings", "phases": [ { "name": "a", "duration_s": 1, "rate": { "rps": 1 } } ] }""")]
    [InlineData("""{ "prompt_tokens": { "kind": "uniform", "min": 10, "max": 5 }, "phases": [ { "name": "a", "duration_s": 1, "rate": { "rps": 1 } } ] }""")]
    [InlineData("""{ "limits": { "max_in_flight": 0 }, "phases": [ { "name": "a", "duration_s": 1, "rate": { "rps": 1 } } ] }""")]
    [InlineData("""not json""")]
    public void Invalid_scenarios_are_rejected(string json)
    {
        Assert.Throws<FormatException>(() => ScenarioLoader.Parse(json));
    }

    [Fact]
    public void Capacity_multiple_without_a_capacity_is_an_error()
    {
        var rate = new RateSpec { CapacityMultiple = 2 };

        Assert.Throws<FormatException>(() => rate.Resolve(null));
        Assert.Throws<FormatException>(() => new RateSpec { Rps = 1, CapacityMultiple = 1 }.Resolve(3));
        Assert.Throws<FormatException>(() => new RateSpec { Rps = -1 }.Resolve(3));
    }
}

using SpikeReplay.Scenarios;

namespace SpikeReplay.Tests;

public sealed class ScenarioPlannerTests
{
    [Fact]
    public void Each_phase_gets_about_rate_times_duration_arrivals_inside_its_window()
    {
        var scenario = Scenario(
            new PhaseSpec { Name = "low", DurationSeconds = 200, Rate = new RateSpec { CapacityMultiple = 0.5 } },
            new PhaseSpec { Name = "high", DurationSeconds = 200, Rate = new RateSpec { CapacityMultiple = 5 } });

        var plan = ScenarioPlanner.Plan(scenario, capacityRps: 4);

        var low = plan.Requests.Where(r => r.Phase == "low").ToList();
        var high = plan.Requests.Where(r => r.Phase == "high").ToList();
        Assert.InRange(low.Count, 400 * 0.9, 400 * 1.1);
        Assert.InRange(high.Count, 4000 * 0.95, 4000 * 1.05);
        Assert.All(low, r => Assert.InRange(r.OffsetMilliseconds, 0, 200_000));
        Assert.All(high, r => Assert.InRange(r.OffsetMilliseconds, 200_000, 400_000));
        Assert.Equal(plan.Requests.OrderBy(r => r.OffsetMilliseconds).Select(r => r.Index), plan.Requests.Select(r => r.Index));
        Assert.Equal(Enumerable.Range(0, plan.Requests.Count), plan.Requests.Select(r => r.Index));
    }

    [Fact]
    public void A_ramp_puts_more_arrivals_where_the_rate_is_higher()
    {
        var scenario = Scenario(new PhaseSpec
        {
            Name = "ramp",
            DurationSeconds = 100,
            Ramp = new RampSpec { From = new RateSpec { Rps = 1 }, To = new RateSpec { Rps = 19 } },
        });

        var plan = ScenarioPlanner.Plan(scenario, capacityRps: null);

        // Λ(50) = 1·50 + 0.09·2500 = 275 of the expected 1000; the second half gets the other 725.
        var firstHalf = plan.Requests.Count(r => r.OffsetMilliseconds < 50_000);
        Assert.InRange(plan.Requests.Count, 900, 1100);
        Assert.InRange(firstHalf, 225, 325);
        Assert.Equal(1, plan.Phases[0].StartRps);
        Assert.Equal(19, plan.Phases[0].EndRps);
    }

    [Fact]
    public void Plans_are_reproducible_for_a_seed_and_differ_across_seeds()
    {
        var scenario = Scenario(new PhaseSpec { Name = "a", DurationSeconds = 30, Rate = new RateSpec { Rps = 5 } });

        var first = ScenarioPlanner.Plan(scenario, null).Requests;
        var again = ScenarioPlanner.Plan(scenario, null).Requests;
        var other = ScenarioPlanner.Plan(scenario with { Seed = scenario.Seed + 1 }, null).Requests;

        Assert.Equal(first, again);
        Assert.NotEqual(first.Select(r => r.OffsetMilliseconds), other.Select(r => r.OffsetMilliseconds));
    }

    [Fact]
    public void Request_and_duration_caps_bound_the_plan()
    {
        var phases = new[]
        {
            new PhaseSpec { Name = "a", DurationSeconds = 10, Rate = new RateSpec { Rps = 50 } },
            new PhaseSpec { Name = "b", DurationSeconds = 10, Rate = new RateSpec { Rps = 50 } },
        };
        var capped = Scenario(phases) with { Limits = new RunLimits { MaxRequests = 100 } };
        var clipped = Scenario(phases) with { Limits = new RunLimits { MaxDurationSeconds = 15 } };

        Assert.Equal(100, ScenarioPlanner.Plan(capped, null).Requests.Count);
        var plan = ScenarioPlanner.Plan(clipped, null);
        Assert.All(plan.Requests, r => Assert.True(r.OffsetMilliseconds <= 15_000));
        Assert.Equal(15_000, plan.DurationMilliseconds, 6);
        Assert.Equal(5_000, plan.Phases[1].DurationMilliseconds, 6);
    }

    [Fact]
    public void Lengths_follow_their_distributions()
    {
        var scenario = Scenario(new PhaseSpec { Name = "a", DurationSeconds = 100, Rate = new RateSpec { Rps = 20 } }) with
        {
            PromptTokens = new LengthDistribution { Kind = "normal", Mean = 100, StandardDeviation = 80, Min = 20, Max = 150 },
            OutputTokens = new LengthDistribution { Kind = "empirical", Values = [8, 16, 512] },
        };

        var requests = ScenarioPlanner.Plan(scenario, null).Requests;

        Assert.All(requests, r => Assert.InRange(r.PromptTokens, 20, 150));
        Assert.Contains(requests, r => r.PromptTokens == 20);
        Assert.Contains(requests, r => r.PromptTokens == 150);
        Assert.InRange(requests.Average(r => r.PromptTokens), 85, 105);
        Assert.Equal([8, 16, 512], requests.Select(r => r.MaxTokens).Distinct().Order());
    }

    [Fact]
    public void Uniform_and_fixed_lengths_stay_in_range()
    {
        var random = new Random(3);
        var uniform = new LengthDistribution { Kind = "uniform", Min = 5, Max = 7 };
        var samples = Enumerable.Range(0, 1000).Select(_ => uniform.Sample(random)).ToList();

        Assert.Equal([5, 6, 7], samples.Distinct().Order());
        Assert.Equal(42, LengthDistribution.Fixed(42).Sample(random));
    }

    private static Scenario Scenario(params PhaseSpec[] phases) => new()
    {
        Name = "test",
        Seed = 11,
        Phases = phases,
        Limits = new RunLimits { MaxRequests = 1_000_000, MaxDurationSeconds = 10_000 },
    };
}

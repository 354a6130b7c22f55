using Gateway.Serving.Tests.TestDoubles;

namespace Gateway.Serving.Tests.Queue;

/// <summary>
/// Admission learns step times from the steps the loop really ran, and every prediction it made for an admitted request
/// is checked against the time to first token that request then got.
/// </summary>
public sealed class AdmissionFeedbackTests
{
    private const string PredictionError = "gateway_admission_ttft_prediction_error_seconds";

    [Fact]
    public async Task Step_times_of_the_runner_are_what_the_predictor_learns()
    {
        var clock = new ManualClock();
        var runner = new TimedRunner(clock, fixedSeconds: 0.010, perTokenSeconds: 0.002);
        await using var harness = new ServingHarness(runner, time: clock);

        // One 5-token prefill step, then single-token decode steps.
        await harness.RunAsync(ServingHarness.Request("a", [2, 3, 4, 5, 6], maxTokens: 4));

        Assert.Equal(runner.StepSeconds(5), harness.Service.StepCost.StepSeconds(5), 9);
        Assert.Equal(runner.StepSeconds(1), harness.Service.StepCost.StepSeconds(1), 9);
    }

    [Fact]
    public async Task Admitted_requests_with_a_prediction_have_it_checked_against_their_first_token()
    {
        var clock = new ManualClock();
        var runner = new TimedRunner(clock, fixedSeconds: 0.010, perTokenSeconds: 0.002);
        using var meters = new ScopedMeterFactory();
        using var recorded = new RecordedMeasurements(meters);
        await using var harness = new ServingHarness(runner, meterFactory: meters, time: clock);

        await harness.RunAsync(ServingHarness.Request("first", [2, 3, 4], maxTokens: 2));  // nothing measured yet: no prediction
        Assert.Empty(recorded.Of(PredictionError));

        await harness.RunAsync(ServingHarness.Request("second", [2, 3, 4, 5], maxTokens: 2));
        Assert.Single(recorded.Of(PredictionError));
        Assert.Equal(2, recorded.Of("gateway_time_to_first_token_seconds").Count);
    }
}

using Gateway.Serving.Diagnostics;
using Gateway.Serving.Queue;
using Gateway.Serving.Scheduling;

namespace Gateway.Serving.Tests.Queue;

/// <summary>
/// Capacity-aware admission refuses exactly what its prediction says would miss the TTFT objective, and never refuses
/// on latency when the server is idle. Step times are set by hand, so every prediction is known to the millisecond.
/// </summary>
public sealed class SloAdmissionTests
{
    private const int Budget = 64;

    // Half a millisecond above a predicted value, so the boundary is not a floating-point tie.
    private readonly SloAdmissionPolicy _policy = new(TimeSpan.FromMicroseconds(500_500));

    [Fact]
    public void A_predicted_miss_refuses_and_a_predicted_hit_admits_at_the_boundary()
    {
        // Steps cost 10 ms plus 1 ms per token (exact at every measured size, interpolated between them).
        var predictor = new TtftPredictor(LinearCost(fixedMs: 10, perTokenMs: 1), Budget);

        // 4 decoders leave 60 prompt tokens a step. In-flight step: half of 10 + (4 + 60) ms = 37 ms.
        // 360 tokens ahead and ours: 7 full steps at 74 ms = 518 ms — over 500 whatever the prompt's share.
        // Find the prompt length at which the prediction crosses 500 ms and check both sides of it.
        var lastHit = -1;
        for (var prompt = 1; prompt < 400; prompt++)
        {
            var predicted = predictor.Predict(prompt, queuedPromptTokens: 0, runningSequences: 4);
            var decision = _policy.Evaluate(Context(prompt, 0, 4, predicted));
            Assert.Equal(predicted <= 0.5005, decision.Admit);
            if (decision.Admit)
            {
                lastHit = prompt;
            }
        }

        // in flight 0.5 * (10 + 4) = 7 ms; n full steps of 74 ms plus a last one of 14 + r ms.
        // 6 full steps (360 tokens) = 444 + 7 = 451 ms; a 39-token rest adds 53 ms = 504 > 500; 36 tokens add 50 = 501;
        // 35 tokens add 49 ms = 500: the last admitted prompt is 360 + 35 = 395 tokens, one more predicts 501 ms.
        Assert.Equal(395, lastHit);
        Assert.Equal(0.500, predictor.Predict(395, 0, 4), 9);
        Assert.True(_policy.Evaluate(Context(395, 0, 4, predictor.Predict(395, 0, 4))).Admit);
        var refused = _policy.Evaluate(Context(396, 0, 4, predictor.Predict(396, 0, 4)));
        Assert.False(refused.Admit);
        Assert.Equal(RefusalReason.SloWouldBreak, refused.Reason);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.RetryAfter);
    }

    [Fact]
    public void Predicted_misses_are_admitted_within_the_budget_and_refused_once_it_is_spent()
    {
        // 2 % of a 200-request window: four predicted misses may be admitted, the fifth is refused.
        var policy = new SloAdmissionPolicy(TimeSpan.FromMilliseconds(500), missBudget: 0.02);
        var miss = Context(100, 300, 4, 0.700);
        for (var i = 0; i < 4; i++)
        {
            Assert.True(policy.Evaluate(miss).Admit, $"miss {i} is within the budget");
        }

        var refused = policy.Evaluate(miss);
        Assert.False(refused.Admit);
        Assert.Equal(RefusalReason.SloWouldBreak, refused.Reason);

        // Beyond twice the objective nothing is admitted, budget or not.
        var fresh = new SloAdmissionPolicy(TimeSpan.FromMilliseconds(500), missBudget: 0.02);
        Assert.False(fresh.Evaluate(Context(100, 300, 4, 1.001)).Admit);

        // Once enough hits have pushed the old misses out of the window, a miss is admitted again.
        for (var i = 0; i < SloAdmissionPolicy.Window; i++)
        {
            Assert.True(policy.Evaluate(Context(10, 0, 4, 0.050)).Admit);
        }

        Assert.True(policy.Evaluate(miss).Admit);
    }

    [Fact]
    public void Queued_prompts_ahead_count_toward_the_prediction()
    {
        var predictor = new TtftPredictor(LinearCost(fixedMs: 10, perTokenMs: 1), Budget);

        // Nothing running, 200 tokens queued ahead, prompt 56: in flight half of (10 + 64) = 37 ms, then 4 full steps
        // of 74 ms (256 tokens) = 296 ms.
        Assert.Equal(0.333, predictor.Predict(56, queuedPromptTokens: 200, runningSequences: 0), 9);
    }

    [Fact]
    public void An_idle_server_never_refuses_on_latency()
    {
        var predictor = new TtftPredictor(LinearCost(fixedMs: 10, perTokenMs: 1), Budget);
        var predicted = predictor.Predict(10_000, queuedPromptTokens: 0, runningSequences: 0);

        Assert.True(predicted > 0.6);
        Assert.True(_policy.Evaluate(Context(10_000, 0, 0, predicted)).Admit);
    }

    [Fact]
    public void Without_measurements_there_is_no_prediction_and_nothing_is_refused()
    {
        var predictor = new TtftPredictor(new StepCostModel(), Budget);
        var predicted = predictor.Predict(100, queuedPromptTokens: 100_000, runningSequences: 10);

        Assert.True(double.IsNaN(predicted));
        Assert.True(_policy.Evaluate(Context(100, 100_000, 10, predicted)).Admit);
    }

    [Fact]
    public void Queue_predicts_from_the_running_batch_and_the_prompts_ahead()
    {
        var state = new EngineState();
        state.Publish(running: 4, waiting: 0, new Gateway.Serving.KvCache.KvCacheUsage(10, 0, 0, 10), preemptions: 0);
        var queue = new RequestQueue(
            new ServingOptions(), _policy, new ThroughputWindow(TimeSpan.FromSeconds(10)), new TtftPredictor(LinearCost(10, 1), Budget), state);

        Assert.True(queue.TryReserve(395, out var first).Admit);     // exactly 500 ms, as above
        Assert.Equal(0.5, first, 9);
        var refused = queue.TryReserve(1, out var second);           // now 395 tokens are ahead of it
        Assert.False(refused.Admit);
        Assert.True(second > 0.5);
        Assert.Equal(395, queue.QueuedPromptTokens);
        Assert.Equal(1, queue.WaitingRequests);
    }

    internal static StepCostModel LinearCost(double fixedMs, double perTokenMs)
    {
        var model = new StepCostModel();
        foreach (var tokens in new[] { 1, 2, 4, 8, 16, 32, 64, 128, 256, 512 })
        {
            model.Record(tokens, (fixedMs + (perTokenMs * tokens)) / 1000);
        }

        return model;
    }

    private static AdmissionContext Context(int prompt, long queued, int running, double predicted) =>
        new(prompt, queued, WaitingRequests: 0, running, predicted, ThroughputEstimate.None);
}

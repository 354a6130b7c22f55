using System.Diagnostics;
using Gateway.Serving.Diagnostics;
using Gateway.Serving.Queue;

namespace Gateway.Serving.Tests.Queue;

/// <summary>Capacity-aware admission refuses what would break the TTFT objective.</summary>
public sealed class SloAdmissionTests
{
    private static readonly ThroughputEstimate ThousandTokensPerSecond = new(true, 1000, 1000, 0.01);

    private readonly SloAdmissionPolicy _policy = new(TimeSpan.FromMilliseconds(500));

    [Fact]
    public void Refuses_when_the_queue_ahead_would_push_ttft_past_the_slo()
    {
        var decision = _policy.Evaluate(new AdmissionContext(PromptTokens: 100, QueuedPromptTokens: 2000, WaitingRequests: 10, ThousandTokensPerSecond));

        Assert.False(decision.Admit);
        Assert.Equal(RefusalReason.SloWouldBreak, decision.Reason);
        Assert.Equal(TimeSpan.FromSeconds(2), decision.RetryAfter); // 2.11 s estimated, 1.61 s over: rounded up
    }

    [Fact]
    public void Admits_when_the_estimate_fits()
    {
        Assert.True(_policy.Evaluate(new AdmissionContext(100, 300, 3, ThousandTokensPerSecond)).Admit);
    }

    [Fact]
    public void Admits_without_measurements_or_when_nothing_is_queued_ahead()
    {
        Assert.True(_policy.Evaluate(new AdmissionContext(100, 100_000, 100, ThroughputEstimate.None)).Admit);
        Assert.True(_policy.Evaluate(new AdmissionContext(100_000, 0, 0, ThousandTokensPerSecond)).Admit);
    }

    [Fact]
    public void Queue_applies_the_policy_with_the_measured_prefill_rate()
    {
        var window = new ThroughputWindow(TimeSpan.FromSeconds(10));
        var now = Stopwatch.GetTimestamp();
        window.Record(now, durationTicks: Stopwatch.Frequency / 100, prefillTokens: 10, decodeTokens: 0); // 1,000 prompt tokens/s, 10 ms steps
        var queue = new RequestQueue(new ServingOptions(), _policy, window);

        Assert.True(queue.TryReserve(400).Admit);       // nothing ahead
        Assert.True(queue.TryReserve(50).Admit);        // 0.45 s + one step
        var refused = queue.TryReserve(400);            // 0.86 s estimated

        Assert.Equal(RefusalReason.SloWouldBreak, refused.Reason);
        Assert.True(refused.RetryAfter >= TimeSpan.FromSeconds(1));
        Assert.Equal(450, queue.QueuedPromptTokens);
        Assert.Equal(2, queue.WaitingRequests);
    }
}

using Gateway.Inference;
using Gateway.Serving.Diagnostics;
using Gateway.Serving.KvCache;
using Gateway.Serving.Scheduling;
using Gateway.Serving.Tests.TestDoubles;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Serving.Tests.Scheduling;

/// <summary>
/// The per-step token budget policy: every running decode gets its token first, prompt chunks share what is left, and a
/// new prompt starts prefilling in the very next step — so neither decodes nor prefills starve.
/// </summary>
public sealed class BudgetPolicyTests : IDisposable
{
    private const int BlockSize = 4;
    private readonly ServingMetrics _metrics = new(null, "test");
    private long _arrivals;

    [Fact]
    public void A_new_prompt_starts_prefilling_in_the_next_step_beside_every_running_decode()
    {
        var scheduler = NewScheduler(budget: 16, maxRunning: 8);
        var decoders = Enumerable.Range(0, 6).Select(_ => Add(scheduler, promptLength: 2)).ToList();
        Step(scheduler); // all six prefilled: from now on they decode
        var arriving = Add(scheduler, promptLength: 30);

        var plan = scheduler.Schedule();

        Assert.Equal(decoders.Select(d => new ScheduledChunk(d, 1)), plan.Chunks.Take(6));
        Assert.Equal(new ScheduledChunk(arriving, 10), plan.Chunks[6]);
        Assert.Equal(16, plan.TotalTokens);
    }

    [Fact]
    public void A_long_prompt_never_holds_back_the_decodes_and_always_advances()
    {
        var scheduler = NewScheduler(budget: 8, maxRunning: 8);
        var decoders = Enumerable.Range(0, 5).Select(_ => Add(scheduler, promptLength: 1, maxTokens: 64)).ToList();
        Step(scheduler);
        var longPrompt = Add(scheduler, promptLength: 40, maxTokens: 64);

        var steps = 0;
        while (longPrompt.GeneratedCount == 0)
        {
            var outstanding = longPrompt.TokenCount - longPrompt.NumComputedTokens;
            var plan = scheduler.Schedule();
            Assert.All(decoders, d => Assert.Contains(new ScheduledChunk(d, 1), plan.Chunks));
            Assert.Contains(new ScheduledChunk(longPrompt, Math.Min(3, outstanding)), plan.Chunks);
            Complete(scheduler, plan);
            steps++;
        }

        Assert.Equal(14, steps); // 40 prompt tokens, 3 a step beside the 5 decodes
    }

    [Fact]
    public void Prompts_arriving_together_share_the_remaining_budget_in_arrival_order()
    {
        var scheduler = NewScheduler(budget: 16, maxRunning: 8);
        var decoding = Add(scheduler, promptLength: 2);
        Step(scheduler);
        var first = Add(scheduler, promptLength: 6);
        var second = Add(scheduler, promptLength: 20);

        var plan = scheduler.Schedule();

        Assert.Equal(
            [new ScheduledChunk(decoding, 1), new ScheduledChunk(first, 6), new ScheduledChunk(second, 9)],
            plan.Chunks);
    }

    public void Dispose() => _metrics.Dispose();

    private Scheduler NewScheduler(int budget, int maxRunning) =>
        new(new KvCacheManager(new BlockPool(256), BlockSize, enablePrefixCaching: false), budget, maxRunning, _metrics, NullLogger.Instance);

    private SequenceState Add(Scheduler scheduler, int promptLength, int maxTokens = 16)
    {
        int[] tokens = [.. Enumerable.Range(2, promptLength).Select(t => (t % 30) + 2)];
        var request = new GenerationRequest($"r{_arrivals}", tokens, SamplingParams.Greedy, maxTokens, []);
        var sequence = new SequenceState(request, ++_arrivals, promptLength + maxTokens, BlockSize, TestTokenizer.Letters(), 40, new RequestTimeline(0, default), default);
        scheduler.AddWaiting(sequence);
        return sequence;
    }

    private static void Step(Scheduler scheduler) => Complete(scheduler, scheduler.Schedule());

    /// <summary>Plays the loop's part: advance the computed counts, append a token where a sequence is fully computed.</summary>
    private static void Complete(Scheduler scheduler, StepPlan plan)
    {
        scheduler.Advance(plan);
        foreach (var (sequence, _) in plan.Chunks)
        {
            if (sequence.NumComputedTokens == sequence.TokenCount)
            {
                sequence.AppendToken(5);
            }
        }
    }
}

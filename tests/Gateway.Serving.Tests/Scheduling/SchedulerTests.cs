using Gateway.Inference;
using Gateway.Serving.Diagnostics;
using Gateway.Serving.KvCache;
using Gateway.Serving.Scheduling;
using Gateway.Serving.Tests.TestDoubles;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Serving.Tests.Scheduling;

/// <summary>The scheduler's plans, driven step by step without a runner.</summary>
public sealed class SchedulerTests : IDisposable
{
    private const int BlockSize = 4;
    private readonly ServingMetrics _metrics = new(null, "test");
    private long _arrivals;

    [Fact]
    public void Decodes_come_first_and_a_long_prompt_is_chunked_into_the_remaining_budget()
    {
        var scheduler = NewScheduler(blockCount: 64, budget: 8);
        var decoding = Add(scheduler, promptLength: 3);
        Step(scheduler); // prefill of the short prompt
        var longPrompt = Add(scheduler, promptLength: 20);

        var plan = scheduler.Schedule();

        Assert.Equal(2, plan.Count);
        Assert.Equal(new ScheduledChunk(decoding, 1), plan.Chunks[0]);
        Assert.Equal(new ScheduledChunk(longPrompt, 7), plan.Chunks[1]);
        Complete(scheduler, plan);

        plan = scheduler.Schedule();
        Assert.Equal(new ScheduledChunk(decoding, 1), plan.Chunks[0]);
        Assert.Equal(new ScheduledChunk(longPrompt, 7), plan.Chunks[1]);
    }

    [Fact]
    public void Out_of_blocks_preempts_the_lowest_priority_latest_arrival_and_requeues_it_first()
    {
        var scheduler = NewScheduler(blockCount: 4, budget: 64);
        var important = Add(scheduler, promptLength: 4, priority: 1);
        var early = Add(scheduler, promptLength: 4);
        var late = Add(scheduler, promptLength: 3);
        Step(scheduler); // three blocks used; the two four-token prompts now need a second block, one is free

        var plan = scheduler.Schedule();

        Assert.Equal(1, scheduler.Preemptions);
        Assert.Equal(SequenceStatus.Waiting, late.Status);
        Assert.Equal(0, late.NumComputedTokens);
        Assert.Equal(0, late.Blocks.Count);
        Assert.Equal([important, early], plan.Chunks.Select(c => c.Sequence));
    }

    [Fact]
    public void Prefix_hit_is_reported_and_still_leaves_the_last_token_to_compute()
    {
        var scheduler = NewScheduler(blockCount: 16, budget: 64);
        var first = Add(scheduler, promptLength: 8);
        Step(scheduler);
        scheduler.Finish(first);
        var second = Add(scheduler, tokens: first.Tokens[..8].ToArray());

        var plan = scheduler.Schedule();

        Assert.Equal(4, second.NumComputedTokens); // block 2 would cover the last token, which must be recomputed
        Assert.Equal(new ScheduledChunk(second, 4), plan.Chunks[0]);
        Assert.Equal(4, second.CachedPromptTokens);
    }

    public void Dispose() => _metrics.Dispose();

    private Scheduler NewScheduler(int blockCount, int budget) =>
        new(new KvCacheManager(new BlockPool(blockCount), BlockSize, enablePrefixCaching: true), budget, maxRunning: 8, _metrics, NullLogger.Instance);

    private SequenceState Add(Scheduler scheduler, int promptLength = 0, int priority = 0, int[]? tokens = null)
    {
        tokens ??= [.. Enumerable.Range(2, promptLength)];
        var request = new GenerationRequest($"r{_arrivals}", tokens, SamplingParams.Greedy, 16, [], priority);
        var sequence = new SequenceState(request, ++_arrivals, 64, BlockSize, TestTokenizer.Letters(), 40, new RequestTimeline(0, default), default);
        scheduler.AddWaiting(sequence);
        return sequence;
    }

    /// <summary>Plays the engine loop's part for one step: mark scheduled tokens computed and append a token where logits came out.</summary>
    private static void Step(Scheduler scheduler) => Complete(scheduler, scheduler.Schedule());

    private static void Complete(Scheduler scheduler, StepPlan plan)
    {
        foreach (var (sequence, numTokens) in plan.Chunks)
        {
            sequence.CountsAsQueued = false;
            sequence.NumComputedTokens += numTokens;
            scheduler.Kv.CacheFullBlocks(sequence.Blocks, sequence.Tokens, sequence.NumComputedTokens);
            if (sequence.NumComputedTokens == sequence.TokenCount)
            {
                sequence.AppendToken(5);
            }
        }
    }
}

using Gateway.Serving.Tests.TestDoubles;

namespace Gateway.Serving.Tests.Queue;

/// <summary>Admission limits refuse at once, with a retry hint, and keep memory bounded.</summary>
[Collection(MemoryMeasurementCollection.Name)]
public sealed class QueueLimitTests
{
    private static HashingRunner Runner() => new(TestTokenizer.Letters(), blockSize: 16, blockCount: 64);

    [Fact]
    public async Task Full_queue_refuses_immediately_with_a_retry_hint()
    {
        // Not started: nothing drains the queue, so it stays full.
        await using var harness = new ServingHarness(Runner(), new ServingOptions { MaxWaitingRequests = 4 }, start: false);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(RefusalReason.None, harness.Service.Submit(ServingHarness.Request($"r{i}", [2, 3, 4], 4), default).Refusal);
        }

        var refused = harness.Service.Submit(ServingHarness.Request("r4", [2, 3, 4], 4), default);

        Assert.Null(refused.Stream);
        Assert.Equal(RefusalReason.QueueFull, refused.Refusal);
        Assert.True(refused.RetryAfter > TimeSpan.Zero);
    }

    [Fact]
    public async Task Queued_prompt_token_limit_refuses_but_a_lone_oversized_prompt_is_still_taken()
    {
        await using var harness = new ServingHarness(Runner(), new ServingOptions { MaxQueuedPromptTokens = 100 }, start: false);
        var big = Enumerable.Repeat(5, 150).ToArray();

        var first = harness.Service.Submit(ServingHarness.Request("big", big, 4), default);
        var second = harness.Service.Submit(ServingHarness.Request("small", [2, 3], 4), default);

        Assert.Equal(RefusalReason.None, first.Refusal);
        Assert.Equal(RefusalReason.QueueFull, second.Refusal);
        Assert.Equal(150, harness.Service.Snapshot().QueuedPromptTokens);
    }

    [Fact]
    public async Task Prompt_that_cannot_fit_the_context_or_the_pool_is_refused_as_too_long()
    {
        await using var harness = new ServingHarness(Runner(), start: false);

        var result = harness.Service.Submit(ServingHarness.Request("long", Enumerable.Repeat(5, 64 * 16).ToArray(), 4), default);

        Assert.Equal(RefusalReason.PromptTooLong, result.Refusal);
        Assert.Equal(TimeSpan.Zero, result.RetryAfter);
    }

    [Fact]
    public async Task Draining_service_refuses_new_requests_as_shutting_down()
    {
        await using var harness = new ServingHarness(Runner());
        await harness.Service.StopAsync(TimeSpan.FromSeconds(5), default);

        var result = harness.Service.Submit(ServingHarness.Request("late", [2, 3], 4), default);

        Assert.Equal(RefusalReason.ShuttingDown, result.Refusal);
        Assert.False(harness.Service.Snapshot().Accepting);
    }

    [Fact]
    public async Task Drain_lets_in_flight_requests_finish()
    {
        await using var harness = new ServingHarness(new HashingRunner(TestTokenizer.Letters(eosEndsGeneration: false), 16, 64));
        var stream = harness.SubmitOrThrow(ServingHarness.Request("inflight", [2, 3, 4], 30));

        await harness.Service.StopAsync(TimeSpan.FromSeconds(30), default);
        var completion = await ServingHarness.CollectAsync(stream);

        Assert.Equal(FinishReason.Length, completion.Finish);
        Assert.Equal(30, completion.TokenIds.Length);
    }

    [Fact]
    public async Task Memory_stays_flat_under_a_flood_of_refused_submits()
    {
        await using var harness = new ServingHarness(Runner(), new ServingOptions { MaxWaitingRequests = 8 }, start: false);
        var request = ServingHarness.Request("flood", [2, 3, 4, 5], 4);
        for (var i = 0; i < 8; i++)
        {
            harness.SubmitOrThrow(request);
        }

        for (var i = 0; i < 1000; i++)
        {
            harness.Service.Submit(request, default);
        }

        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < 100_000; i++)
        {
            Assert.Equal(RefusalReason.QueueFull, harness.Service.Submit(request, default).Refusal);
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);

        Assert.True(after - before < 512 * 1024, $"retained {after - before} bytes after 100k refusals");
        Assert.Equal(8, harness.Service.Snapshot().QueuedPromptTokens / 4);
    }
}

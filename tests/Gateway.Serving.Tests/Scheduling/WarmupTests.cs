using Gateway.Serving.Tests.TestDoubles;

namespace Gateway.Serving.Tests.Scheduling;

/// <summary>The start-up warm-up runs the real step at several batch shapes and leaves no trace behind.</summary>
public sealed class WarmupTests
{
    [Fact]
    public async Task Warm_up_batches_like_service_then_leaves_no_request_metrics_queue_counts_or_blocks_in_use()
    {
        var runner = new HashingRunner(TestTokenizer.Letters(eosEndsGeneration: false), 16, 256);
        using var meters = new ScopedMeterFactory();
        using var recorded = new RecordedMeasurements(meters);
        await using var harness = new ServingHarness(runner, new ServingOptions { WarmupSeconds = 60 }, meterFactory: meters, warmup: true);

        // Submitted while warming up: it waits, then is served like any other.
        var stream = harness.SubmitOrThrow(ServingHarness.Request("during", [2, 3, 4, 5], maxTokens: 6));
        var completion = await ServingHarness.CollectAsync(stream);
        await harness.WaitUntilIdleAsync();

        var snapshot = harness.Service.Snapshot();
        Assert.False(snapshot.WarmingUp);
        Assert.True(runner.MaxChunksSeen >= 16, $"largest warm-up batch was {runner.MaxChunksSeen}");
        Assert.Equal(6, completion.TokenIds.Length);
        Assert.Equal(0, snapshot.QueuedPromptTokens);
        Assert.Equal(0, snapshot.KvBlocksUsed);
        Assert.Single(recorded.Of("gateway_time_to_first_token_seconds"));
        Assert.Equal(6, recorded.Of("gateway_generation_tokens_total").Sum());
    }

    [Fact]
    public async Task Output_after_warm_up_is_the_same_as_without_it()
    {
        var request = ServingHarness.Request("same", [7, 3, 9, 4, 2, 8], maxTokens: 12);
        await using var cold = new ServingHarness(new HashingRunner(TestTokenizer.Letters(eosEndsGeneration: false), 16, 256));
        await using var warm = new ServingHarness(
            new HashingRunner(TestTokenizer.Letters(eosEndsGeneration: false), 16, 256), new ServingOptions { WarmupSeconds = 60 }, warmup: true);

        var expected = await cold.RunAsync(request);
        var actual = await warm.RunAsync(request);

        Assert.Equal(expected.TokenIds, actual.TokenIds);
        Assert.Equal(expected.Text, actual.Text);
    }
}

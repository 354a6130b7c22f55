using Gateway.Serving.Tests.TestDoubles;

namespace Gateway.Serving.Tests.Requests;

/// <summary>Cancelling at any moment frees everything and leaves the scheduler healthy.</summary>
public sealed class CancellationTests
{
    private enum CancelMoment
    {
        BeforeSubmit,
        AfterShortDelay,
        AfterSomeTokens,
        Never,
    }

    [Fact]
    public async Task Thousand_requests_cancelled_at_random_moments_leave_no_blocks_behind()
    {
        var runner = new SlowRunner(TestTokenizer.Letters(eosEndsGeneration: false));
        var options = new ServingOptions { MaxWaitingRequests = 2000, MaxQueuedPromptTokens = 1_000_000, MaxBatchTokens = 64, MaxRunningSequences = 16 };
        await using var harness = new ServingHarness(runner, options);
        var random = new Random(1234);
        List<Task<(CancelMoment Moment, Completion Completion)>> runs = [];
        for (var i = 0; i < 1000; i++)
        {
            var moment = (CancelMoment)random.Next(4);
            int[] prompt = [.. Enumerable.Range(0, random.Next(5, 81)).Select(_ => random.Next(2, runner.Info.VocabSize))];
            var request = ServingHarness.Request($"c{i}", prompt, maxTokens: random.Next(5, 31));
            var (delayMs, cancelAfterEvents) = (random.Next(0, 4), random.Next(1, 6));

            // Off xunit's synchronization context, so readers keep up with the loop the way request threads do.
            runs.Add(Task.Run(() => RunAsync(harness, request, moment, delayMs, cancelAfterEvents)));
        }

        var results = await Task.WhenAll(runs).WaitAsync(TimeSpan.FromSeconds(60));

        foreach (var (moment, completion) in results)
        {
            Assert.NotNull(completion.Finish);
            Assert.NotNull(completion.Usage);
            Assert.Contains(completion.Finish, new FinishReason?[] { FinishReason.Cancelled, FinishReason.Length });
            if (moment is CancelMoment.Never or CancelMoment.AfterSomeTokens && completion.Finish == FinishReason.Length)
            {
                Assert.Equal(completion.Usage!.CompletionTokens, completion.TokenIds.Length);
            }
        }

        var summary = string.Join(", ", results.GroupBy(r => (r.Moment, r.Completion.Finish, Generated: r.Completion.Usage!.CompletionTokens > 0)).Select(g => $"{g.Key}={g.Count()}"));
        Assert.True(results.Any(r => r.Completion.Finish == FinishReason.Cancelled && r.Completion.Usage!.CompletionTokens > 0), summary);
        Assert.Contains(results, r => r.Completion.Finish == FinishReason.Cancelled && r.Completion.Usage!.CompletionTokens == 0);
        Assert.All(results.Where(r => r.Moment == CancelMoment.Never), r => Assert.Equal(FinishReason.Length, r.Completion.Finish));

        await harness.WaitUntilIdleAsync();
        var snapshot = harness.Service.Snapshot();
        Assert.Equal(snapshot.KvBlocksTotal, snapshot.KvBlocksFree + snapshot.KvBlocksCached);
        Assert.Equal(0, snapshot.KvBlocksUsed);
        Assert.Equal(0, snapshot.QueuedPromptTokens);

        var after = await harness.RunAsync(ServingHarness.Request("after", [5, 6, 7, 8], maxTokens: 6));
        Assert.Equal(FinishReason.Length, after.Finish);
        Assert.Equal(6, after.TokenIds.Length);
        Assert.Empty(harness.Logger.Entries);
    }

    /// <summary>Takes about a millisecond per step, so readers see tokens while their generation is still running.</summary>
    private sealed class SlowRunner(TestTokenizer tokenizer) : HashingRunner(tokenizer, blockSize: 16, blockCount: 64)
    {
        protected override void BeforeForward(ReadOnlySpan<Gateway.Inference.SequenceChunk> chunks) => Thread.Sleep(1);
    }

    private static async Task<(CancelMoment, Completion)> RunAsync(ServingHarness harness, GenerationRequest request, CancelMoment moment, int delayMs, int cancelAfterEvents)
    {
        using var cancellation = new CancellationTokenSource();
        if (moment == CancelMoment.BeforeSubmit)
        {
            await cancellation.CancelAsync().ConfigureAwait(false);
        }

        var stream = harness.SubmitOrThrow(request, cancellation.Token);
        if (moment == CancelMoment.AfterShortDelay)
        {
            cancellation.CancelAfter(delayMs);
        }

        List<GenerationEvent> events = [];
        await foreach (var e in stream.Events.ReadAllAsync().ConfigureAwait(false))
        {
            events.Add(e);
            if (moment == CancelMoment.AfterSomeTokens && events.Count == cancelAfterEvents)
            {
                await cancellation.CancelAsync().ConfigureAwait(false);
            }
        }

        return (moment, new Completion(events));
    }
}

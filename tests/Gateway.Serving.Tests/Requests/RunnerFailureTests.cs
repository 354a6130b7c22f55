using Gateway.Inference;
using Gateway.Serving.Tests.TestDoubles;

namespace Gateway.Serving.Tests.Requests;

/// <summary>A forward pass that throws fails the requests in that batch, not the service.</summary>
public sealed class RunnerFailureTests
{
    private const int PoisonToken = 7;

    [Fact]
    public async Task Runner_exception_fails_the_batch_with_an_error_event_and_the_loop_keeps_serving()
    {
        var runner = new PoisonRunner(TestTokenizer.Letters(eosEndsGeneration: false));
        await using var harness = new ServingHarness(runner);

        var failed = await harness.RunAsync(ServingHarness.Request("poisoned", [PoisonToken, 3, 4], maxTokens: 5));
        var healthy = await harness.RunAsync(ServingHarness.Request("healthy", [3, 4, 5], maxTokens: 5));

        Assert.Equal(FinishReason.Error, failed.Finish);
        Assert.False(string.IsNullOrEmpty(failed.Last.Error));
        Assert.Equal(FinishReason.Length, healthy.Finish);
        Assert.Equal(5, healthy.TokenIds.Length);
        await harness.WaitUntilIdleAsync();
        Assert.Equal(0, harness.Service.Snapshot().KvBlocksUsed);
        Assert.Contains(harness.Logger.Entries, e => e.Id.Id == Gateway.Serving.Diagnostics.ServingEventIds.ForwardFailed);
    }

    private sealed class PoisonRunner(TestTokenizer tokenizer) : PagedFakeRunner(tokenizer, blockSize: 4, blockCount: 64)
    {
        protected override void BeforeForward(ReadOnlySpan<SequenceChunk> chunks)
        {
            foreach (var chunk in chunks)
            {
                if (chunk.StartPosition == 0 && chunk.Tokens.Span[0] == PoisonToken)
                {
                    throw new InvalidOperationException("Simulated kernel failure.");
                }
            }
        }

        protected override void ComputeLogits(ReadOnlySpan<int> sequence, Span<float> logits)
        {
            logits.Fill(0);
            logits[2 + (sequence.Length % 20)] = 1;
        }
    }
}

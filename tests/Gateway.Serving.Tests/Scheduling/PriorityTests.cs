using Gateway.Inference;
using Gateway.Serving.Tests.TestDoubles;

namespace Gateway.Serving.Tests.Scheduling;

/// <summary>Higher priority classes are scheduled first; FIFO within a class.</summary>
public sealed class PriorityTests
{
    [Fact]
    public async Task Waiting_requests_start_by_priority_then_arrival()
    {
        var runner = new GatedRunner(TestTokenizer.Letters(eosEndsGeneration: false));
        await using var harness = new ServingHarness(runner, new ServingOptions { MaxRunningSequences = 1, MaxBatchTokens = 64 });

        var blocker = harness.SubmitOrThrow(ServingHarness.Request("blocker", [10, 2], maxTokens: 3));
        Assert.True(runner.Entered.Wait(TimeSpan.FromSeconds(10)), "the runner was never called");
        List<GenerationStream> streams =
        [
            harness.SubmitOrThrow(ServingHarness.Request("low-1", [11, 2], 2, priority: 0)),
            harness.SubmitOrThrow(ServingHarness.Request("high", [12, 2], 2, priority: 5)),
            harness.SubmitOrThrow(ServingHarness.Request("low-2", [13, 2], 2, priority: 0)),
            harness.SubmitOrThrow(ServingHarness.Request("mid", [14, 2], 2, priority: 1)),
        ];
        runner.Open.Set();
        await ServingHarness.CollectAsync(blocker);
        foreach (var stream in streams)
        {
            await ServingHarness.CollectAsync(stream);
        }

        Assert.Equal([10, 12, 14, 11, 13], runner.StartOrder);
    }

    /// <summary>Holds the first forward pass until the test opens the gate, and records which prompt each new sequence had.</summary>
    private sealed class GatedRunner(TestTokenizer tokenizer) : PagedFakeRunner(tokenizer, blockSize: 4, blockCount: 64)
    {
        public ManualResetEventSlim Entered { get; } = new();

        public ManualResetEventSlim Open { get; } = new();

        public List<int> StartOrder { get; } = [];

        protected override void BeforeForward(ReadOnlySpan<SequenceChunk> chunks)
        {
            foreach (var chunk in chunks)
            {
                if (chunk.StartPosition == 0)
                {
                    lock (StartOrder)
                    {
                        StartOrder.Add(chunk.Tokens.Span[0]);
                    }
                }
            }

            Entered.Set();
            Open.Wait(TimeSpan.FromSeconds(10));
        }

        protected override void ComputeLogits(ReadOnlySpan<int> sequence, Span<float> logits)
        {
            logits.Fill(0);
            logits[3] = 1;
        }
    }
}

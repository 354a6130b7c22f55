using Gateway.Inference;
using Gateway.Serving.Tests.TestDoubles;

namespace Gateway.Serving.Tests.Requests;

/// <summary>
/// A step's draws at a temperature go to the runner's compute threads when it lends them; each sequence keeps its own
/// seeded sampler, so which thread draws a token changes nothing.
/// </summary>
public sealed class ParallelSamplingTests
{
    [Fact]
    public async Task Draws_at_a_temperature_go_to_the_compute_threads_and_give_what_each_request_gives_alone()
    {
        var requests = Requests(i => new SamplingParams { Temperature = 0.8f, Seed = (ulong)(i + 1) });
        List<Completion> alone = [];
        await using (var sequential = new ServingHarness(Runner(), Options()))
        {
            foreach (var request in requests)
            {
                alone.Add(await sequential.RunAsync(request));
            }
        }

        var runner = Runner();
        await using var concurrent = new ServingHarness(runner, Options());
        var together = await Task.WhenAll(requests.Select(r => ServingHarness.CollectAsync(concurrent.SubmitOrThrow(r))));

        Assert.True(runner.ForCalls > 0, "no step handed its draws to the compute threads");
        for (var i = 0; i < requests.Count; i++)
        {
            Assert.Equal(alone[i].TokenIds, together[i].TokenIds);
        }
    }

    [Fact]
    public async Task Greedy_steps_draw_on_the_loop_thread()
    {
        var runner = Runner();
        await using var harness = new ServingHarness(runner, Options());
        var completions = await Task.WhenAll(Requests(_ => SamplingParams.Greedy).Select(r => ServingHarness.CollectAsync(harness.SubmitOrThrow(r))));

        Assert.All(completions, c => Assert.NotEmpty(c.TokenIds));
        Assert.Equal(0, runner.ForCalls);
    }

    private static List<GenerationRequest> Requests(Func<int, SamplingParams> sampling) =>
        Enumerable.Range(0, 8)
            .Select(i => ServingHarness.Request($"parallel-{i}", [2 + i, 5, 7 + i, 11], maxTokens: 12, sampling(i)))
            .ToList();

    private static ServingOptions Options() => new() { MaxBatchTokens = 256, MaxRunningSequences = 8 };

    private static ThreadLendingRunner Runner() => new(TestTokenizer.Letters(eosEndsGeneration: false), blockSize: 16, blockCount: 64);

    /// <summary>The hashing runner, lending two threads of the shared pool the way a real runner lends its own.</summary>
    private sealed class ThreadLendingRunner(ITokenizer tokenizer, int blockSize, int blockCount)
        : HashingRunner(tokenizer, blockSize, blockCount), IComputeThreads
    {
        private int _forCalls;

        public int ForCalls => Volatile.Read(ref _forCalls);

        public void For(int count, Action<int> body)
        {
            Interlocked.Increment(ref _forCalls);
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, body);
        }
    }
}

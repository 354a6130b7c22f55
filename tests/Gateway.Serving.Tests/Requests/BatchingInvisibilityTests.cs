using Gateway.Inference;
using Gateway.Serving.Tests.TestDoubles;

namespace Gateway.Serving.Tests.Requests;

/// <summary>
/// Continuous batching, prefix caching, chunked prefill and preemption must not change a single token: sixteen prompts
/// served concurrently give exactly what each gives when served alone.
/// </summary>
public sealed class BatchingInvisibilityTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var runner in RunnerCases.Names)
        {
            foreach (var scenario in new[] { "plain", "prefix", "chunked", "preemption" })
            {
                data.Add(runner, scenario);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Concurrent_requests_generate_what_each_generates_alone(string runnerName, string scenarioName)
    {
        var scenario = Scenario.Named(scenarioName);
        int vocab;
        using (var probe = RunnerCases.Create(runnerName, scenario.BlockSize, scenario.BlockCount, scenario.EosEnds))
        {
            vocab = probe.Info.VocabSize;
        }

        var requests = scenario.Requests(vocab);

        List<Completion> alone = [];
        await using (var sequential = new ServingHarness(RunnerCases.Create(runnerName, scenario.BlockSize, scenario.BlockCount, scenario.EosEnds), scenario.Options))
        {
            foreach (var request in requests)
            {
                alone.Add(await sequential.RunAsync(request));
            }
        }

        await using var concurrent = new ServingHarness(RunnerCases.Create(runnerName, scenario.BlockSize, scenario.BlockCount, scenario.EosEnds), scenario.Options);
        var streams = requests.Select(r => concurrent.SubmitOrThrow(r)).ToList();
        var together = await Task.WhenAll(streams.Select(ServingHarness.CollectAsync));

        for (var i = 0; i < requests.Count; i++)
        {
            Assert.Equal(alone[i].TokenIds, together[i].TokenIds);
            Assert.Equal(alone[i].Text, together[i].Text);
            Assert.Equal(alone[i].Finish, together[i].Finish);
            Assert.Equal(alone[i].Usage!.CompletionTokens, together[i].Usage!.CompletionTokens);
            Assert.True(together[i].Usage!.CompletionTokens > 0);
        }

        var fake = concurrent.Runner as PagedFakeRunner;
        if (fake is not null)
        {
            Assert.True(fake.MaxChunksSeen > 1, "requests were never batched together");
        }

        var snapshot = concurrent.Service.Snapshot();
        switch (scenarioName)
        {
            case "prefix":
                Assert.True(alone.Skip(1).All(c => c.Usage!.CachedPromptTokens >= 32), "later prompts should reuse the shared prefix");
                Assert.Contains(together, c => c.Usage!.CachedPromptTokens > 0);
                break;
            case "preemption":
                Assert.True(snapshot.Preemptions > 0, "the pool was meant to be too small for all sequences at once");
                break;
        }

        Assert.Empty(concurrent.Logger.Entries);
    }

    private sealed record Scenario(string Name, int BlockSize, int BlockCount, bool EosEnds, ServingOptions Options, int PromptMin, int PromptMax, int SharedPrefix, int MaxTokens)
    {
        public static Scenario Named(string name) => name switch
        {
            "plain" => new(name, 16, 512, true, WithBudget(256), 3, 30, 0, 24),
            "prefix" => new(name, 16, 512, true, WithBudget(256), 3, 12, 40, 16),
            "chunked" => new(name, 16, 512, true, WithBudget(32), 90, 180, 0, 12),
            "preemption" => new(name, 16, 20, false, WithBudget(256), 8, 20, 0, 40),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };

        public List<GenerationRequest> Requests(int vocabSize)
        {
            var random = new Random(Name.Length * 7919);
            var top = Math.Min(vocabSize, 256);
            var prefix = Enumerable.Range(0, SharedPrefix).Select(_ => random.Next(2, top)).ToArray();
            List<GenerationRequest> requests = [];
            for (var i = 0; i < 16; i++)
            {
                int[] prompt = [.. prefix, .. Enumerable.Range(0, random.Next(PromptMin, PromptMax + 1)).Select(_ => random.Next(2, top))];
                var sampling = i % 2 == 0 ? SamplingParams.Greedy : new SamplingParams { Temperature = 0.9f, Seed = (ulong)i };
                requests.Add(ServingHarness.Request($"{Name}-{i}", prompt, MaxTokens, sampling));
            }

            return requests;
        }

        private static ServingOptions WithBudget(int maxBatchTokens) => new() { MaxBatchTokens = maxBatchTokens, MaxRunningSequences = 16 };
    }
}

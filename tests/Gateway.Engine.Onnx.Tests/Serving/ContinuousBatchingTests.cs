namespace Gateway.Engine.Onnx.Tests.Serving;

/// <summary>
/// The scheduler drives the exported INT4 decoder step by step: requests join and leave the running batch at any
/// step, and batching never changes what a request generates.
/// </summary>
public sealed class ContinuousBatchingTests
{
    private static readonly string[] Prompts =
    [
        "Once upon a time", "The capital of France is", "def fibonacci(n):", "1, 2, 3, 4,",
        "Hello! How are you", "The quick brown fox", "In the beginning", "Water boils at",
    ];

    [Fact]
    public async Task Eight_concurrent_greedy_requests_give_the_tokens_each_gives_alone()
    {
        await using var serving = await OnnxServing.StartAsync(OnnxServing.SmolLm2Int4);
        var prompts = Prompts.Select(p => serving.Service.Tokenizer.Encode(p, addBos: serving.Service.Tokenizer.AddBos, parseSpecial: false)).ToArray();
        var alone = new int[prompts.Length][];
        for (var i = 0; i < prompts.Length; i++)
        {
            alone[i] = (await serving.CollectAsync(serving.Submit($"alone-{i}", prompts[i], 16 + i))).Tokens;
        }

        var streams = prompts.Select((p, i) => serving.Submit($"together-{i}", p, 16 + i)).ToArray();
        var together = await Task.WhenAll(streams.Select(serving.CollectAsync));
        for (var i = 0; i < prompts.Length; i++)
        {
            Assert.Equal(16 + i, alone[i].Length);
            Assert.Equal(alone[i], together[i].Tokens);
        }
    }

    [Fact]
    public async Task A_short_request_sent_while_four_long_ones_run_finishes_long_before_them()
    {
        await using var serving = await OnnxServing.StartAsync(OnnxServing.SmolLm2Int4);
        var tokenizer = serving.Service.Tokenizer;
        const int longTokens = 160;
        var longStreams = Enumerable.Range(0, 4)
            .Select(i => serving.Submit($"long-{i}", tokenizer.Encode(Prompts[i], tokenizer.AddBos, false), longTokens)).ToArray();
        var longRuns = longStreams.Select(serving.CollectAsync).ToArray();

        // Wait (in steps, not time) until the long ones are decoding, then send the short one.
        while (serving.Runner.Steps < 8)
        {
            await Task.Delay(5);
        }

        var submittedAt = serving.Runner.Steps;
        var shortRun = await serving.CollectAsync(serving.Submit("short", tokenizer.Encode(Prompts[4], tokenizer.AddBos, false), 8));
        var longFinished = (await Task.WhenAll(longRuns)).Select(r => r.FinishedAtStep).Min();

        Assert.Equal(8, shortRun.Tokens.Length);
        // The short request joined the running batch: a prefill step and 8 decode steps, not a wait for a batch to end.
        Assert.True(shortRun.FinishedAtStep - submittedAt <= 8 + 4, $"short request took {shortRun.FinishedAtStep - submittedAt} steps");
        Assert.True(longFinished - shortRun.FinishedAtStep >= 100, $"long requests finished at step {longFinished}, short at {shortRun.FinishedAtStep}");
    }
}

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
            alone[i] = await OnnxServing.CollectAsync(serving.Submit($"alone-{i}", prompts[i], 16 + i));
        }

        var streams = prompts.Select((p, i) => serving.Submit($"together-{i}", p, 16 + i)).ToArray();
        var together = await Task.WhenAll(streams.Select(OnnxServing.CollectAsync));
        for (var i = 0; i < prompts.Length; i++)
        {
            Assert.Equal(16 + i, alone[i].Length);
            Assert.Equal(alone[i], together[i]);
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
        var longRuns = longStreams.Select(OnnxServing.CollectAsync).ToArray();

        // Wait (in steps, not time) until the long ones are decoding, then send the short one.
        while (serving.Runner.Steps < 8)
        {
            await Task.Delay(5);
        }

        var shortTokens = await OnnxServing.CollectAsync(serving.Submit("short", tokenizer.Encode(Prompts[4], tokenizer.AddBos, false), 8));
        await Task.WhenAll(longRuns);

        Assert.Equal(8, shortTokens.Length);
        // Counted in the steps each sequence took part in (recorded on the engine's thread; the test thread's own
        // reads of the step counter drift on a loaded machine). The short request is the fifth sequence to appear.
        var sequences = serving.Runner.SequencesByFirstStep();
        Assert.Equal(5, sequences.Count);
        var (shortFirst, shortLast) = serving.Runner.Lifetime(sequences[4]);
        var longLast = sequences.Take(4).Min(id => serving.Runner.Lifetime(id).Last);
        var longFirst = sequences.Take(4).Max(id => serving.Runner.Lifetime(id).First);
        // It joined the running batch: a prefill step and 7 decode steps make its 8 tokens, while the long ones decode
        // around it; it did not wait for a batch to end.
        Assert.True(shortFirst > longFirst, $"short request started at step {shortFirst}, before the long ones ({longFirst})");
        Assert.True(shortLast - shortFirst + 1 <= 8 + 4, $"short request took steps {shortFirst}..{shortLast}");
        Assert.True(longLast - shortLast >= 100, $"long requests finished at step {longLast}, short at {shortLast}");
    }
}

using Gateway.Inference;
using Gateway.Serving.Tests.TestDoubles;

namespace Gateway.Serving.Tests.Requests;

/// <summary>Stop strings end generation and are never emitted, even when split across tokens.</summary>
public sealed class StopSequenceTests
{
    private static readonly TestTokenizer Tokenizer = new(["Hel", "lo", " wo", "rld", "!", "x", "é"]);

    [Fact]
    public async Task Stop_string_split_across_three_tokens_is_never_emitted()
    {
        var runner = new ScriptedRunner(Tokenizer);
        int[] prompt = [Id("x"), Id("x")];
        runner.AddScript(prompt, [Id("Hel"), Id("lo"), Id(" wo"), Id("rld"), Id("!")]);
        await using var harness = new ServingHarness(runner);

        var completion = await harness.RunAsync(ServingHarness.Request("s", prompt, maxTokens: 20, stops: ["lo wor"]));

        Assert.Equal("Hel", completion.Text);
        Assert.Equal(FinishReason.Stop, completion.Finish);
        Assert.All(completion.Events, e => Assert.DoesNotContain("o", e.Text, StringComparison.Ordinal));
        Assert.Equal(4, completion.Usage!.CompletionTokens);
    }

    [Fact]
    public async Task Held_back_prefix_is_released_when_it_stops_matching_and_at_the_length_limit()
    {
        var runner = new ScriptedRunner(Tokenizer);
        int[] prompt = [Id("é"), Id("x")];
        runner.AddScript(prompt, [Id("Hel"), Id("lo"), Id("!"), Id("Hel")]);
        await using var harness = new ServingHarness(runner);

        var completion = await harness.RunAsync(ServingHarness.Request("s", prompt, maxTokens: 4, stops: ["lo wo", "Help"]));

        Assert.Equal("Hello!Hel", completion.Text);
        Assert.Equal(FinishReason.Length, completion.Finish);
        Assert.Equal("Hel", completion.Last.Text); // "Hel" may start "Help", so it is held until the final flush
    }

    [Fact]
    public async Task End_of_sequence_stops_without_emitting_the_token()
    {
        var runner = new ScriptedRunner(Tokenizer);
        int[] prompt = [Id("!"), Id("x")];
        runner.AddScript(prompt, [Id("Hel"), TestTokenizer.Eos]);
        await using var harness = new ServingHarness(runner);

        var completion = await harness.RunAsync(ServingHarness.Request("s", prompt, maxTokens: 10));

        Assert.Equal("Hel", completion.Text);
        Assert.Equal([Id("Hel")], completion.TokenIds);
        Assert.Equal(FinishReason.Stop, completion.Finish);
        Assert.Equal(2, completion.Usage!.CompletionTokens);
    }

    [Fact]
    public async Task Ignore_eos_generates_through_end_of_sequence_to_the_length_limit()
    {
        var runner = new ScriptedRunner(Tokenizer);
        int[] prompt = [Id("lo"), Id("x")];
        runner.AddScript(prompt, [Id("Hel"), TestTokenizer.Eos, Id("!")]);
        await using var harness = new ServingHarness(runner);

        var completion = await harness.RunAsync(
            ServingHarness.Request("s", prompt, maxTokens: 4, sampling: SamplingParams.Greedy with { IgnoreEos = true }));

        Assert.Equal([Id("Hel"), TestTokenizer.Eos, Id("!"), Id("!")], completion.TokenIds);
        Assert.Equal(FinishReason.Length, completion.Finish);
        Assert.Equal(4, completion.Usage!.CompletionTokens);
    }

    private static int Id(string text) => Tokenizer.TryGetId(text, out var id) ? id : throw new ArgumentException(text);
}

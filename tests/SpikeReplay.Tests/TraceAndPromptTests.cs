using SpikeReplay.Prompts;
using SpikeReplay.Scenarios;

namespace SpikeReplay.Tests;

public sealed class TraceAndPromptTests
{
    [Fact]
    public void Trace_lines_become_a_sorted_plan_at_the_requested_speed()
    {
        const string trace = """
            {"offset_ms": 1000, "prompt_tokens": 50, "max_tokens": 8, "model": "m2"}

            {"offset_ms": 0, "prompt": "Hello there, how are you?"}
            {"offset_ms": 500, "prompt_tokens": 10, "max_tokens": 4}
            """;

        var plan = TracePlanner.Load(new StringReader(trace), speed: 2.0, new RunLimits(), defaultMaxTokens: 32);

        Assert.Equal([0.0, 250.0, 500.0], plan.Requests.Select(r => r.OffsetMilliseconds));
        Assert.Equal([0, 1, 2], plan.Requests.Select(r => r.Index));
        Assert.Equal("Hello there, how are you?", plan.Requests[0].Prompt);
        Assert.Equal(32, plan.Requests[0].MaxTokens);
        Assert.Equal("m2", plan.Requests[2].Model);
        Assert.Null(plan.Requests[1].Prompt);
        Assert.Single(plan.Phases);
        Assert.All(plan.Requests, r => Assert.Equal(TracePlanner.PhaseName, r.Phase));
    }

    [Theory]
    [InlineData("""{"prompt_tokens": 5}""")]
    [InlineData("""{"offset_ms": -1, "prompt_tokens": 5}""")]
    [InlineData("""{"offset_ms": 1}""")]
    [InlineData("""{"offset_ms": 1, "prompt_tokens": 5""")]
    public void Bad_trace_lines_name_their_line(string line)
    {
        var error = Assert.Throws<FormatException>(() =>
            TracePlanner.Load(new StringReader("{\"offset_ms\": 0, \"prompt_tokens\": 1}\n" + line), 1.0, new RunLimits(), 16));

        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_trace_in_the_repository_loads()
    {
        var plan = TracePlanner.LoadFile(TestFiles.ScenarioPath("sample-trace.jsonl"), 1.0, new RunLimits(), 16);

        Assert.Equal(7, plan.Requests.Count);
    }

    [Fact]
    public void Trace_respects_the_request_cap()
    {
        var lines = string.Join('\n', Enumerable.Range(0, 50).Select(i => $"{{\"offset_ms\": {i}, \"prompt_tokens\": 3}}"));

        var plan = TracePlanner.Load(new StringReader(lines), 1.0, new RunLimits { MaxRequests = 10 }, 16);

        Assert.Equal(10, plan.Requests.Count);
    }

    [Fact]
    public void Prompts_are_deterministic_per_index_and_sized_in_words()
    {
        var a = PromptGenerator.Generate(100, requestIndex: 3, seed: 1);

        Assert.Equal(a, PromptGenerator.Generate(100, 3, 1));
        Assert.NotEqual(a, PromptGenerator.Generate(100, 4, 1));
        Assert.Equal(3 + 96, a.Split(' ').Length);
        Assert.StartsWith("Continue the story:", PromptGenerator.Generate(1, 0, 1), StringComparison.Ordinal);
    }
}

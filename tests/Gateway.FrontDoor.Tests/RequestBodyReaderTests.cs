using System.Text;
using Gateway.OpenAi;
using Gateway.FrontDoor.Requests;

namespace Gateway.FrontDoor.Tests;

public sealed class RequestBodyReaderTests
{
    [Fact]
    public void Reads_model_max_tokens_and_estimates_prompt_tokens()
    {
        var json = """{"model":"m1","max_tokens":42,"messages":[{"role":"user","content":"abcdefghijklmnop"}]}""";
        var summary = RequestBodyReader.Read(Encoding.UTF8.GetBytes(json));
        Assert.Equal("m1", summary.Model);
        Assert.Equal(42, summary.MaxTokens);
        // "user" + 16 characters = 20 bytes -> 5 tokens.
        Assert.Equal(5, summary.PromptTokenEstimate);
    }

    [Fact]
    public void Max_completion_tokens_counts_and_nested_model_fields_do_not()
    {
        var json = """{"messages":[{"model":"nested","content":"x"}],"max_completion_tokens":7}""";
        var summary = RequestBodyReader.Read(Encoding.UTF8.GetBytes(json));
        Assert.Null(summary.Model);
        Assert.Equal(7, summary.MaxTokens);
    }

    [Fact]
    public void Stream_flags_are_read_from_the_top_level_only()
    {
        var summary = RequestBodyReader.Read("""{"stream":true,"stream_options":{"include_usage":true},"messages":[{"stream":false}]}"""u8);
        Assert.True(summary.Stream);
        Assert.True(summary.IncludeUsage);
        summary = RequestBodyReader.Read("""{"stream":true,"x":{"include_usage":true}}"""u8);
        Assert.True(summary.Stream);
        Assert.False(summary.IncludeUsage);
    }

    public static TheoryData<string, byte[], string?, string> Unreadable => new()
    {
        { "truncated", """{"model":"m2","max_tokens":"""u8.ToArray(), "max_tokens", "invalid_json" },
        { "invalid UTF-8 in a string", [.. """{"model":"m","messages":[{"role":"user","content":"a"""u8, 0xC3, 0x28, .. "\"}]}"u8], "messages[0].content", "invalid_encoding" },
        { "unpaired surrogate escape", """{"model":"m","prompt":"\ud800x"}"""u8.ToArray(), "prompt", "invalid_encoding" },
        { "lone low surrogate", """{"model":"m","prompt":["ok","\udc00"]}"""u8.ToArray(), "prompt[1]", "invalid_encoding" },
        // The name is reported as it was spelled, escapes and all: it has no other spelling.
        { "surrogate escape in a property name", """{"\ud800":1}"""u8.ToArray(), "\\ud800", "invalid_encoding" },
        { "too deep", Encoding.UTF8.GetBytes("{\"model\":" + new string('[', 100) + new string(']', 100) + "}"), "model", "invalid_json" },
        { "comments", """{"model":"m" /* no */}"""u8.ToArray(), null, "invalid_json" },
    };

    [Theory]
    [MemberData(nameof(Unreadable))]
    public void Bodies_no_layer_can_read_are_a_400_naming_the_parameter(string name, byte[] body, string? param, string code)
    {
        var error = Assert.Throws<OpenAiRequestException>(() => RequestBodyReader.Read(body));
        Assert.Equal(400, error.StatusCode);
        Assert.Equal(code, error.Code);
        if (param is not null)
        {
            Assert.True(param == error.Param, $"{name}: param {error.Param}");
        }
    }
}

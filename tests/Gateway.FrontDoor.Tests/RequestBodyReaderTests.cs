using System.Text;
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
    public void Malformed_json_yields_what_was_read()
    {
        var summary = RequestBodyReader.Read("""{"model":"m2","max_tokens":"""u8);
        Assert.Equal("m2", summary.Model);
        Assert.Null(summary.MaxTokens);
    }
}

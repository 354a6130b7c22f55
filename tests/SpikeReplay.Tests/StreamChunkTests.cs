using SpikeReplay.Client;

namespace SpikeReplay.Tests;

public sealed class StreamChunkTests
{
    [Theory]
    [InlineData("""{"choices":[{"index":0,"text":"hi"}]}""", true)]
    [InlineData("""{"choices":[{"index":0,"delta":{"content":"hi"}}]}""", true)]
    [InlineData("""{"choices":[{"index":0,"delta":{"role":"assistant"}}]}""", false)]
    [InlineData("""{"choices":[{"index":0,"text":"","finish_reason":"stop"}]}""", false)]
    [InlineData("""{"choices":[]}""", false)]
    public void Content_is_recognised_in_both_api_shapes(string data, bool hasContent)
    {
        var chunk = Parse(data);

        Assert.Equal(hasContent, chunk.HasContent);
        Assert.False(chunk.IsDone);
        Assert.Null(chunk.Error);
    }

    [Fact]
    public void Done_errors_usage_and_garbage_are_told_apart()
    {
        Assert.True(Parse("[DONE]").IsDone);
        Assert.Equal("overloaded: busy", Parse("""{"error":{"message":"busy","type":"overloaded"}}""").Error);
        Assert.Equal(12, Parse("""{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":12}}""").UsageCompletionTokens);
        Assert.NotNull(Parse("{not json").Error);
        Assert.NotNull(Parse("[1,2]").Error);
    }

    [Fact]
    public void Escaped_unknown_and_nested_members_do_not_confuse_the_reader()
    {
        var chunk = Parse("""
            {"id":"x","object":"text_completion","meta":{"text":"not a choice","choices":[{"text":"deep"}]},
             "choices":[{"index":0,"logprobs":null,"text":"\u00e9","extra":[1,{"a":2}]}],"usage":null}
            """);

        Assert.True(chunk.HasContent);
        Assert.Null(chunk.UsageCompletionTokens);
        Assert.False(Parse("""{"meta":{"choices":[{"text":"deep"}]},"choices":[{"text":""}]}""").HasContent);
    }

    [Fact]
    public void Error_bodies_are_summarised()
    {
        Assert.Equal("server_busy: queue full", ErrorText.FromBody("""{"error":{"message":"queue full","type":"server_busy","code":null}}"""));
        Assert.Equal("<html>bad gateway</html>", ErrorText.FromBody("  <html>bad gateway</html>\n"));
        Assert.Equal(301, ErrorText.Truncate(new string('x', 1000)).Length);
    }

    private static StreamChunk Parse(string data) => StreamChunk.Parse(System.Text.Encoding.UTF8.GetBytes(data));
}

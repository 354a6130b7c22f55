using System.Text;
using System.Text.Json;
using Gateway.FrontDoor.Routing;

namespace Gateway.FrontDoor.Tests;

public sealed class UpstreamUsageCaptureTests
{
    private const string Chunk = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}],\"usage\":null}\n\n";
    private const string UsageChunk = "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7,\"total_tokens\":12}}\n\n";
    private const string Done = "data: [DONE]\n\n";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Reads_the_final_chunks_usage_and_drops_it_only_when_the_client_did_not_ask(bool drop)
    {
        var (usage, written) = await PassAsync("text/event-stream", drop, Chunk + Chunk + UsageChunk + Done);
        Assert.Equal(new UpstreamUsage(5, 7), usage);
        Assert.Equal(drop ? Chunk + Chunk + Done : Chunk + Chunk + UsageChunk + Done, written);
    }

    [Fact]
    public async Task Events_split_across_writes_and_crlf_lines_pass_through_whole()
    {
        var crlf = (Chunk + UsageChunk + Done).Replace("\n", "\r\n", StringComparison.Ordinal);
        var (usage, written) = await PassAsync("text/event-stream", drop: true, crlf, writeSize: 7);
        Assert.Equal(new UpstreamUsage(5, 7), usage);
        Assert.Equal((Chunk + Done).Replace("\n", "\r\n", StringComparison.Ordinal), written);
    }

    [Fact]
    public async Task A_json_answer_passes_unchanged_and_its_usage_is_read()
    {
        const string body = """{"id":"x","choices":[{"text":"Hi"}],"usage":{"prompt_tokens":3,"completion_tokens":9,"total_tokens":12}}""";
        var (usage, written) = await PassAsync("application/json", drop: true, body, writeSize: 10);
        Assert.Equal(new UpstreamUsage(3, 9), usage);
        Assert.Equal(body, written);
    }

    [Fact]
    public async Task Odd_events_pass_through_and_report_nothing()
    {
        const string odd = "data: {\"usage\": broken\n\n: comment\n\nevent: x\ndata: {\"usage\":{\"prompt_tokens\":-1}}\n\n";
        var (usage, written) = await PassAsync("text/event-stream", drop: true, odd + "data: {\"usage\":1}");
        Assert.Null(usage);
        Assert.Equal(odd + "data: {\"usage\":1}", written);
    }

    [Fact]
    public void The_upstream_body_asks_for_usage_and_keeps_everything_else()
    {
        var body = StreamUsageRequestRewriter.AskForUsage(
            """{"model":"m","stream":true,"stream_options":{"include_usage":false,"other":1},"messages":[{"role":"user","content":"\u00e9"}]}"""u8.ToArray());
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        Assert.True(root.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        Assert.Equal(1, root.GetProperty("stream_options").GetProperty("other").GetInt32());
        Assert.Equal("é", root.GetProperty("messages")[0].GetProperty("content").GetString());

        using var added = JsonDocument.Parse(StreamUsageRequestRewriter.AskForUsage("""{"model":"m","stream":true}"""u8.ToArray()));
        Assert.True(added.RootElement.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        Assert.Equal("m", added.RootElement.GetProperty("model").GetString());
    }

    private static async Task<(UpstreamUsage? Usage, string Written)> PassAsync(string contentType, bool drop, string body, int writeSize = 4096)
    {
        using var sink = new MemoryStream();
        var capture = new UsageCapturingResponseStream(sink, () => contentType, drop);
        var bytes = Encoding.UTF8.GetBytes(body);
        for (var i = 0; i < bytes.Length; i += writeSize)
        {
            await capture.WriteAsync(bytes.AsMemory(i, Math.Min(writeSize, bytes.Length - i)));
        }

        await capture.CompleteAsync(CancellationToken.None);
        return (capture.Usage, Encoding.UTF8.GetString(sink.ToArray()));
    }
}

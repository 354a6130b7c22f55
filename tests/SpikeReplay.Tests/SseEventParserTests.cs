using System.Text;
using SpikeReplay.Client;

namespace SpikeReplay.Tests;

public sealed class SseEventParserTests
{
    private const string Stream =
        ": keep-alive comment\n\n" +
        "data: {\"choices\":[{\"text\":\"Hel\"}]}\n\n" +
        "event: message\r\ndata: {\"choices\":[{\"text\":\"lo\"}]}\r\n\r\n" +
        "data: first line\ndata:second line\n\n" +
        "id: 7\nretry: 100\n\n" +
        "data: [DONE]\n\n";

    private static readonly string[] s_expected =
    [
        "{\"choices\":[{\"text\":\"Hel\"}]}",
        "{\"choices\":[{\"text\":\"lo\"}]}",
        "first line\nsecond line",
        "[DONE]",
    ];

    [Fact]
    public void Whole_stream_in_one_read()
    {
        Assert.Equal(s_expected, ParseInPieces(Encoding.UTF8.GetBytes(Stream), [Stream.Length]));
    }

    [Fact]
    public void Every_split_point_gives_the_same_events()
    {
        var bytes = Encoding.UTF8.GetBytes(Stream);
        for (var split = 1; split < bytes.Length; split++)
        {
            Assert.Equal(s_expected, ParseInPieces(bytes, [split, bytes.Length - split]));
        }
    }

    [Fact]
    public void Byte_at_a_time_gives_the_same_events()
    {
        var bytes = Encoding.UTF8.GetBytes(Stream);

        Assert.Equal(s_expected, ParseInPieces(bytes, Enumerable.Repeat(1, bytes.Length).ToArray()));
    }

    [Fact]
    public void Multibyte_characters_split_across_reads_survive()
    {
        var bytes = Encoding.UTF8.GetBytes("data: héllo ✓\n\n");
        var events = new CollectingSink();
        var parser = new SseEventParser();

        foreach (var b in bytes)
        {
            parser.Feed([b], events);
        }

        Assert.Equal(["héllo ✓"], events.Events);
    }

    [Fact]
    public void Bare_carriage_returns_end_lines()
    {
        Assert.Equal(["a", "b"], ParseInPieces(Encoding.UTF8.GetBytes("data: a\r\rdata: b\r\r"), [18]));
    }

    [Fact]
    public void A_final_event_without_its_blank_line_is_delivered_on_complete()
    {
        var events = new CollectingSink();
        var parser = new SseEventParser();

        parser.Feed(Encoding.UTF8.GetBytes("data: [DONE]"), events);
        Assert.Empty(events.Events);
        parser.Complete(events);

        Assert.Equal(["[DONE]"], events.Events);
    }

    private static List<string> ParseInPieces(byte[] bytes, int[] pieces)
    {
        var parser = new SseEventParser();
        var events = new CollectingSink();
        var offset = 0;
        foreach (var length in pieces)
        {
            parser.Feed(bytes.AsSpan(offset, length), events);
            offset += length;
        }

        parser.Complete(events);
        return events.Events;
    }

    [Fact]
    public void Lines_longer_than_the_initial_buffers_grow_them()
    {
        var payload = new string('x', 5000);
        var bytes = Encoding.UTF8.GetBytes($"data: {payload}\n\ndata: [DONE]\n\n");

        Assert.Equal([payload, "[DONE]"], ParseInPieces(bytes, [5003, bytes.Length - 5003]));
    }

    private sealed class CollectingSink : ISseEventSink
    {
        public List<string> Events { get; } = [];

        public void OnEvent(ReadOnlySpan<byte> data) => Events.Add(Encoding.UTF8.GetString(data));
    }
}

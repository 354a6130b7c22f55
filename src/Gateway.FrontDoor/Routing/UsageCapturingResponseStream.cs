using System.Buffers;
using System.Text.Json;

namespace Gateway.FrontDoor.Routing;

/// <summary>
/// Sits between YARP and the client's response body while a request is proxied, to learn the upstream's real token
/// usage. A JSON response passes through unchanged and is kept (up to a cap) to read its <c>usage</c> at the end. A
/// server-sent-event stream is passed on event by event (each complete event at once, so streaming stays
/// unbuffered); an event carrying <c>usage</c> is read, and the usage-only final chunk is dropped when the client did
/// not ask for it (the gateway did, on its behalf).
/// </summary>
internal sealed class UsageCapturingResponseStream(Stream inner, Func<string?> contentType, bool dropUsageChunk) : Stream
{
    private bool? _isEventStream;

    /// <summary>Non-streamed answers larger than this are passed on without reading their usage.</summary>
    private const int MaxCapturedJsonBytes = 8 * 1024 * 1024;

    private readonly ArrayBufferWriter<byte> _pending = new(4096);
    private bool _gaveUpCapture;

    /// <summary>The last usage the upstream reported, if any.</summary>
    public UpstreamUsage? Usage { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // Decided by what the upstream answered: an error to a streamed request is plain JSON.
        _isEventStream ??= contentType()?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) == true;
        if (_isEventStream == false)
        {
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (!_gaveUpCapture)
            {
                if (_pending.WrittenCount + buffer.Length > MaxCapturedJsonBytes)
                {
                    _gaveUpCapture = true;
                    _pending.Clear();
                }
                else
                {
                    _pending.Write(buffer.Span);
                }
            }

            return;
        }

        _pending.Write(buffer.Span);
        var consumed = 0;
        while (FindEventEnd(_pending.WrittenSpan[consumed..]) is var end and > 0)
        {
            var ev = _pending.WrittenMemory.Slice(consumed, end);
            consumed += end;
            if (InspectEvent(ev.Span))
            {
                await inner.WriteAsync(ev, cancellationToken).ConfigureAwait(false);
            }
        }

        if (consumed > 0)
        {
            var rest = _pending.WrittenSpan[consumed..].ToArray();
            _pending.Clear();
            _pending.Write(rest);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    /// <summary>Passes on what is left of an unterminated event, and reads a JSON answer's usage.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_isEventStream == true)
        {
            if (_pending.WrittenCount > 0)
            {
                await inner.WriteAsync(_pending.WrittenMemory, cancellationToken).ConfigureAwait(false);
                _pending.Clear();
            }

            return;
        }

        if (!_gaveUpCapture && _pending.WrittenCount > 0)
        {
            Usage = TryReadUsage(_pending.WrittenSpan, out var usage, out _) ? usage : null;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Length of the first complete event (through its blank line, LF or CRLF), or 0.</summary>
    private static int FindEventEnd(ReadOnlySpan<byte> text)
    {
        for (var i = text.IndexOf((byte)'\n'); i >= 0 && i + 1 < text.Length;)
        {
            var next = i + 1;
            if (text[next] == (byte)'\n')
            {
                return next + 1;
            }

            if (text[next] == (byte)'\r' && next + 1 < text.Length && text[next + 1] == (byte)'\n')
            {
                return next + 2;
            }

            var further = text[next..].IndexOf((byte)'\n');
            i = further < 0 ? -1 : next + further;
        }

        return 0;
    }

    /// <summary>Reads usage from an event's data; false when the event is the usage-only chunk to drop.</summary>
    private bool InspectEvent(ReadOnlySpan<byte> ev)
    {
        if (ev.IndexOf("\"usage\""u8) < 0)
        {
            return true;
        }

        var keep = true;
        foreach (var range in ev.Split((byte)'\n'))
        {
            var line = ev[range].TrimEnd((byte)'\r');
            if (!line.StartsWith("data:"u8))
            {
                continue;
            }

            var payload = line[5..].TrimStart((byte)' ');
            if (TryReadUsage(payload, out var usage, out var choicesEmpty))
            {
                Usage = usage;
                keep &= !(dropUsageChunk && choicesEmpty);
            }
        }

        return keep;
    }

    private static bool TryReadUsage(ReadOnlySpan<byte> json, out UpstreamUsage usage, out bool choicesEmpty)
    {
        usage = default;
        choicesEmpty = false;
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (!UpstreamUsage.TryRead(root, out usage))
            {
                return false;
            }

            choicesEmpty = !root.TryGetProperty("choices", out var choices)
                || (choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() == 0);
            return true;
        }
        catch (JsonException)
        {
            // Not ours to judge: an upstream's odd event passes through untouched and simply reports nothing.
            return false;
        }
    }
}

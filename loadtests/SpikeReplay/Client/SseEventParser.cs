namespace SpikeReplay.Client;

/// <summary>
/// Incremental Server-Sent Events parser: bytes arrive in arbitrary network-sized pieces, and an event is complete only
/// at its blank line. Handles LF, CRLF and CR line ends (including a CRLF split across reads), comment lines and
/// multi-line data. Only the data of each event is surfaced; the OpenAI stream uses nothing else. Works on bytes in
/// reused buffers, so a token costs no allocation once the buffers have grown to the largest line.
/// </summary>
internal sealed class SseEventParser
{
    private byte[] _line = new byte[512];
    private int _lineLength;
    private byte[] _data = new byte[512];
    private int _dataLength;
    private bool _hasData;
    private bool _skipLeadingLineFeed;

    /// <summary>Feeds the next bytes; each event completed by them goes to <paramref name="sink"/>.</summary>
    public void Feed(ReadOnlySpan<byte> chunk, ISseEventSink sink)
    {
        while (!chunk.IsEmpty)
        {
            if (_skipLeadingLineFeed)
            {
                _skipLeadingLineFeed = false;
                if (chunk[0] == (byte)'\n')
                {
                    chunk = chunk[1..];
                    continue;
                }
            }

            var end = chunk.IndexOfAny((byte)'\r', (byte)'\n');
            if (end < 0)
            {
                Append(ref _line, ref _lineLength, chunk);
                return;
            }

            Append(ref _line, ref _lineLength, chunk[..end]);
            _skipLeadingLineFeed = chunk[end] == (byte)'\r';
            ProcessLine(sink);
            chunk = chunk[(end + 1)..];
        }
    }

    /// <summary>
    /// Ends the stream. A final event without its blank line is still delivered: the SSE spec drops it, but a
    /// measuring client should see what the server actually sent.
    /// </summary>
    public void Complete(ISseEventSink sink)
    {
        if (_lineLength > 0)
        {
            ProcessLine(sink);
        }

        Dispatch(sink);
    }

    private void ProcessLine(ISseEventSink sink)
    {
        var line = _line.AsSpan(0, _lineLength);
        _lineLength = 0;
        if (line.IsEmpty)
        {
            Dispatch(sink);
            return;
        }

        if (line[0] == (byte)':')
        {
            return;
        }

        var colon = line.IndexOf((byte)':');
        var field = colon < 0 ? line : line[..colon];
        if (!field.SequenceEqual("data"u8))
        {
            return;
        }

        var value = colon < 0 ? [] : line[(colon + 1)..];
        if (!value.IsEmpty && value[0] == (byte)' ')
        {
            value = value[1..];
        }

        if (_hasData)
        {
            Append(ref _data, ref _dataLength, "\n"u8);
        }

        Append(ref _data, ref _dataLength, value);
        _hasData = true;
    }

    private void Dispatch(ISseEventSink sink)
    {
        if (!_hasData)
        {
            return;
        }

        sink.OnEvent(_data.AsSpan(0, _dataLength));
        _dataLength = 0;
        _hasData = false;
    }

    private static void Append(ref byte[] buffer, ref int length, ReadOnlySpan<byte> bytes)
    {
        if (length + bytes.Length > buffer.Length)
        {
            Array.Resize(ref buffer, Math.Max(buffer.Length * 2, length + bytes.Length));
        }

        bytes.CopyTo(buffer.AsSpan(length));
        length += bytes.Length;
    }
}

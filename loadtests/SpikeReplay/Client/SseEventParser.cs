using System.Text;

namespace SpikeReplay.Client;

/// <summary>
/// Incremental Server-Sent Events parser: bytes arrive in arbitrary network-sized pieces, and an event is complete only
/// at its blank line. Handles LF, CRLF and CR line ends (including a CRLF split across reads), comment lines and
/// multi-line data. Only the data of each event is surfaced; the OpenAI stream uses nothing else.
/// </summary>
internal sealed class SseEventParser
{
    private readonly List<byte> _line = new(256);
    private readonly StringBuilder _data = new();
    private bool _hasData;
    private bool _skipLeadingLineFeed;

    /// <summary>Feeds the next bytes; completed events' data is appended to <paramref name="events"/>.</summary>
    public void Feed(ReadOnlySpan<byte> chunk, List<string> events)
    {
        foreach (var b in chunk)
        {
            if (_skipLeadingLineFeed)
            {
                _skipLeadingLineFeed = false;
                if (b == (byte)'\n')
                {
                    continue;
                }
            }

            if (b == (byte)'\n' || b == (byte)'\r')
            {
                _skipLeadingLineFeed = b == (byte)'\r';
                ProcessLine(events);
                continue;
            }

            _line.Add(b);
        }
    }

    /// <summary>
    /// Ends the stream. A final event without its blank line is still delivered: the SSE spec drops it, but a
    /// measuring client should see what the server actually sent.
    /// </summary>
    public void Complete(List<string> events)
    {
        if (_line.Count > 0)
        {
            ProcessLine(events);
        }

        Dispatch(events);
    }

    private void ProcessLine(List<string> events)
    {
        if (_line.Count == 0)
        {
            Dispatch(events);
            return;
        }

        var line = Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_line));
        _line.Clear();
        if (line[0] == ':')
        {
            return;
        }

        var colon = line.IndexOf(':', StringComparison.Ordinal);
        var field = colon < 0 ? line : line[..colon];
        if (!string.Equals(field, "data", StringComparison.Ordinal))
        {
            return;
        }

        var value = colon < 0 ? "" : line[(colon + 1)..];
        if (value.Length > 0 && value[0] == ' ')
        {
            value = value[1..];
        }

        if (_hasData)
        {
            _data.Append('\n');
        }

        _data.Append(value);
        _hasData = true;
    }

    private void Dispatch(List<string> events)
    {
        if (!_hasData)
        {
            return;
        }

        events.Add(_data.ToString());
        _data.Clear();
        _hasData = false;
    }
}

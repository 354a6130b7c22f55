namespace Gateway.Serving.Scheduling;

/// <summary>
/// Finds stop strings in streamed text and makes sure none is ever emitted, even when it arrives split across tokens:
/// any tail of the text that could still grow into a stop string is held back until it either completes one (dropped,
/// generation stops) or stops matching (released). One instance per request.
/// </summary>
internal sealed class StopSequenceMatcher
{
    private readonly string[] _stops;
    private string _held = string.Empty;

    public StopSequenceMatcher(IReadOnlyList<string> stopSequences)
    {
        _stops = [.. stopSequences.Where(s => s.Length > 0)];
    }

    /// <summary>Adds decoded text; returns what is safe to emit. <paramref name="stopped"/> is set when a stop string completed.</summary>
    public string Append(string text, out bool stopped)
    {
        stopped = false;
        if (_stops.Length == 0)
        {
            return text;
        }

        if (text.Length == 0)
        {
            return string.Empty;
        }

        var combined = _held.Length == 0 ? text : string.Concat(_held, text);
        var matchAt = -1;
        foreach (var stop in _stops)
        {
            var at = combined.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (matchAt < 0 || at < matchAt))
            {
                matchAt = at;
            }
        }

        if (matchAt >= 0)
        {
            stopped = true;
            _held = string.Empty;
            return combined[..matchAt];
        }

        var hold = LongestSuffixThatStartsAStop(combined);
        _held = hold == 0 ? string.Empty : combined[^hold..];
        return hold == 0 ? combined : combined[..^hold];
    }

    /// <summary>Releases the held-back text once generation ended for another reason.</summary>
    public string Flush()
    {
        var held = _held;
        _held = string.Empty;
        return held;
    }

    private int LongestSuffixThatStartsAStop(string text)
    {
        var longest = 0;
        foreach (var stop in _stops)
        {
            // A suffix as long as the whole stop string would have matched above, so only shorter ones can be pending.
            for (var length = Math.Min(stop.Length - 1, text.Length); length > longest; length--)
            {
                if (text.AsSpan(text.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                {
                    longest = length;
                    break;
                }
            }
        }

        return longest;
    }
}

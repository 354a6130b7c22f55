using System.Text;

namespace Gateway.Inference;

/// <summary>
/// Turns a stream of token ids into text without ever emitting half a character: a token may end in the middle of a
/// multi-byte UTF-8 sequence (byte-fallback and byte-level BPE split emoji and CJK across tokens), so trailing bytes of
/// an incomplete sequence are held back until the next token completes them. One instance per stream; not thread-safe.
/// </summary>
public sealed class StreamingDetokenizer
{
    private readonly ITokenizer _tokenizer;
    private readonly bool _renderSpecial;
    private byte[] _pending = new byte[16];
    private int _pendingLength;

    public StreamingDetokenizer(ITokenizer tokenizer, bool renderSpecial = false)
    {
        _tokenizer = tokenizer;
        _renderSpecial = renderSpecial;
    }

    /// <summary>Adds a token and returns the text that became complete (possibly empty).</summary>
    public string Append(int tokenId)
    {
        if (_tokenizer.IsControl(tokenId) && !_renderSpecial)
        {
            return string.Empty;
        }

        var bytes = _tokenizer.TokenBytes(tokenId);
        if (_pendingLength + bytes.Length > _pending.Length)
        {
            Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _pendingLength + bytes.Length));
        }

        bytes.CopyTo(_pending, _pendingLength);
        _pendingLength += bytes.Length;

        var complete = CompletePrefixLength(_pending.AsSpan(0, _pendingLength));
        if (complete == 0)
        {
            return string.Empty;
        }

        var text = Encoding.UTF8.GetString(_pending, 0, complete);
        _pending.AsSpan(complete, _pendingLength - complete).CopyTo(_pending);
        _pendingLength -= complete;
        return text;
    }

    /// <summary>Returns whatever is still held back (an incomplete sequence decodes to U+FFFD, as a final flush must).</summary>
    public string Flush()
    {
        if (_pendingLength == 0)
        {
            return string.Empty;
        }

        var text = Encoding.UTF8.GetString(_pending, 0, _pendingLength);
        _pendingLength = 0;
        return text;
    }

    /// <summary>Length of the longest prefix that does not end inside an unfinished UTF-8 sequence.</summary>
    internal static int CompletePrefixLength(ReadOnlySpan<byte> bytes)
    {
        // Only the last three bytes can belong to an unfinished sequence (sequences are at most four bytes long).
        for (var back = 1; back <= Math.Min(4, bytes.Length); back++)
        {
            var b = bytes[^back];
            if ((b & 0xC0) == 0x80)
            {
                continue; // continuation byte: keep looking for the lead byte
            }

            var needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return needed > back ? bytes.Length - back : bytes.Length;
        }

        return bytes.Length;
    }
}

using System.Globalization;
using System.Text;
using Gateway.Inference;

namespace Gateway.Tokenizers;

/// <summary>
/// The GGUF <c>llama</c> tokenizer: SentencePiece-style BPE driven by token scores, as llama.cpp implements it. Spaces
/// become "▁", the text gets a leading space, adjacent symbols are merged best-score-first while the merged text is a
/// vocabulary entry, and characters the vocabulary lacks fall back to their UTF-8 bytes as <c>&lt;0xNN&gt;</c> tokens.
/// </summary>
internal sealed class SentencePieceTokenizer : VocabularyTokenizer
{
    private const char SpaceMarker = '\u2581'; // "▁"

    private readonly int[] _byteTokenIds;

    public SentencePieceTokenizer(TokenizerVocabulary vocabulary)
        : base(vocabulary, ComputeTokenBytes(vocabulary))
    {
        _byteTokenIds = new int[256];
        for (var b = 0; b < 256; b++)
        {
            _byteTokenIds[b] = FindByteToken(vocabulary, (byte)b);
        }
    }

    protected override bool StripsLeadingSpace => Vocabulary.AddSpacePrefix;

    protected override void EncodeText(ReadOnlySpan<char> text, bool afterSpecial, List<int> output, EncodeScratch scratch)
    {
        var prefix = Vocabulary.AddSpacePrefix && afterSpecial ? 1 : 0;
        var length = text.Length + prefix;
        var chars = scratch.CharBuffer(length);
        if (prefix == 1)
        {
            chars[0] = SpaceMarker;
        }

        text.Replace(chars.AsSpan(prefix, text.Length), ' ', SpaceMarker);

        scratch.EnsureSymbols(length);
        var start = scratch.SymbolStart;
        var len = scratch.SymbolLength;
        var prev = scratch.Prev;
        var next = scratch.Next;

        // One symbol per code point (a surrogate pair stays together).
        var count = 0;
        for (var i = 0; i < length;)
        {
            var n = char.IsHighSurrogate(chars[i]) && i + 1 < length && char.IsLowSurrogate(chars[i + 1]) ? 2 : 1;
            start[count] = i;
            len[count] = n;
            prev[count] = count - 1;
            next[count] = count + 1;
            count++;
            i += n;
        }

        if (count == 0)
        {
            return;
        }

        next[count - 1] = -1;
        var queue = scratch.Queue;
        queue.Clear();
        for (var i = 1; i < count; i++)
        {
            TryQueueMerge(i - 1, i, chars, scratch);
        }

        while (queue.TryDequeue(out var merge))
        {
            var (left, right) = (merge.Left, merge.Right);
            if (len[left] == 0 || len[right] == 0 || len[left] + len[right] != merge.Check)
            {
                continue; // one side was merged elsewhere since this entry was queued
            }

            len[left] += len[right];
            len[right] = 0;
            next[left] = next[right];
            if (next[right] >= 0)
            {
                prev[next[right]] = left;
            }

            TryQueueMerge(prev[left], left, chars, scratch);
            TryQueueMerge(left, next[left], chars, scratch);
        }

        for (var i = 0; i != -1; i = next[i])
        {
            var symbol = chars.AsSpan(start[i], len[i]);
            if (Vocabulary.TryGetId(symbol, out var id))
            {
                output.Add(id);
            }
            else
            {
                AppendByteFallback(symbol, output);
            }
        }
    }

    private void TryQueueMerge(int left, int right, char[] chars, EncodeScratch scratch)
    {
        if (left < 0 || right < 0)
        {
            return;
        }

        var size = scratch.SymbolLength[left] + scratch.SymbolLength[right];
        if (!Vocabulary.TryGetId(chars.AsSpan(scratch.SymbolStart[left], size), out var id))
        {
            return;
        }

        scratch.Queue.Enqueue(new MergeCandidate(left, right, size, id), new MergePriority(Vocabulary.Scores[id], left));
    }

    private void AppendByteFallback(ReadOnlySpan<char> symbol, List<int> output)
    {
        Span<byte> utf8 = stackalloc byte[8];
        var written = Encoding.UTF8.GetBytes(symbol, utf8);
        foreach (var b in utf8[..written])
        {
            var id = _byteTokenIds[b];
            if (id >= 0)
            {
                output.Add(id);
            }
        }
    }

    /// <summary>The <c>&lt;0xNN&gt;</c> token for a byte, else the one-character token for it, else the unknown token.</summary>
    private static int FindByteToken(TokenizerVocabulary vocabulary, byte b)
    {
        if (vocabulary.TryGetId($"<0x{b:X2}>", out var id))
        {
            return id;
        }

        if (b < 0x80 && vocabulary.TryGetId(((char)b).ToString(), out id))
        {
            return id;
        }

        return vocabulary.UnknownId;
    }

    private static byte[][] ComputeTokenBytes(TokenizerVocabulary vocabulary)
    {
        var result = new byte[vocabulary.Count][];
        for (var id = 0; id < result.Length; id++)
        {
            var text = vocabulary.Texts[id];
            result[id] = vocabulary.Types[id] switch
            {
                TokenType.Normal => Encoding.UTF8.GetBytes(text.Replace(SpaceMarker, ' ')),
                TokenType.Byte => [ParseByteToken(text)],
                TokenType.Control or TokenType.Unknown or TokenType.UserDefined => Encoding.UTF8.GetBytes(text),
                _ => [], // unused / undefined entries print nothing, as in llama.cpp
            };
        }

        return result;
    }

    private static byte ParseByteToken(string text) =>
        text.Length == 6 && text.StartsWith("<0x", StringComparison.Ordinal) && text[5] == '>'
            && byte.TryParse(text.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b)
            ? b
            : throw new InvalidDataException($"byte token '{text}' is not of the form <0xNN>");
}

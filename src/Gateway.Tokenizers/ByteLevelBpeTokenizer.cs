using System.Runtime.InteropServices;
using System.Text;
using Gateway.Inference;

namespace Gateway.Tokenizers;

/// <summary>
/// The GGUF <c>gpt2</c> tokenizer: byte-level BPE. Text is split into words by the pre-tokenizer named in
/// <c>tokenizer.ggml.pre</c>; each word's UTF-8 bytes start as one symbol each (spelled with <see cref="ByteLevelAlphabet"/>)
/// and adjacent symbols merge lowest-rank-first as listed in <c>tokenizer.ggml.merges</c>, llama.cpp's algorithm.
/// </summary>
internal sealed class ByteLevelBpeTokenizer : VocabularyTokenizer
{
    private readonly BpePreTokenizer _preTokenizer;
    private readonly bool _ignoreMerges;
    private readonly Dictionary<long, (int Rank, int MergedId)> _merges;
    private readonly int[] _byteTokenIds;
    private readonly BpeWordCache _cache;

    public ByteLevelBpeTokenizer(
        TokenizerVocabulary vocabulary, string[] merges, BpePreTokenizerSettings settings, TokenizerOptions options)
        : base(vocabulary, ComputeTokenBytes(vocabulary))
    {
        _preTokenizer = new BpePreTokenizer(settings.Kind);
        _ignoreMerges = settings.IgnoreMerges;
        _cache = new BpeWordCache(options.BpeWordCacheCapacity);
        _byteTokenIds = new int[256];
        for (var b = 0; b < 256; b++)
        {
            _byteTokenIds[b] = vocabulary.TryGetId(ByteLevelAlphabet.ToChar((byte)b).ToString(), out var id) ? id : -1;
        }

        _merges = new Dictionary<long, (int, int)>(merges.Length);
        for (var rank = 0; rank < merges.Length; rank++)
        {
            var merge = merges[rank];
            var space = merge.IndexOf(' ', 1);

            // A merge whose parts or result are not tokens could never produce a token; Hugging Face rejects such files.
            if (space < 0
                || !vocabulary.TryGetId(merge.AsSpan(0, space), out var left)
                || !vocabulary.TryGetId(merge.AsSpan(space + 1), out var right)
                || !vocabulary.TryGetId(string.Concat(merge.AsSpan(0, space), merge.AsSpan(space + 1)), out var merged))
            {
                continue;
            }

            _merges.TryAdd(PairKey(left, right), (rank, merged));
        }
    }

    protected override void EncodeText(ReadOnlySpan<char> text, bool afterSpecial, List<int> output, EncodeScratch scratch)
    {
        var words = scratch.Words;
        _preTokenizer.Split(text, words, scratch.SpareWords, scratch);
        foreach (var (start, length) in words)
        {
            var word = text.Slice(start, length);
            if (_cache.TryGet(word, out var cached))
            {
                output.AddRange(cached);
                continue;
            }

            var first = output.Count;
            EncodeWord(word, output, scratch);
            _cache.Add(word, CollectionsMarshal.AsSpan(output)[first..].ToArray());
        }
    }

    private void EncodeWord(ReadOnlySpan<char> word, List<int> output, EncodeScratch scratch)
    {
        var bytes = scratch.ByteBuffer(Encoding.UTF8.GetMaxByteCount(word.Length));
        var count = Encoding.UTF8.GetBytes(word, bytes);
        if (_ignoreMerges && count > 1)
        {
            var spelled = scratch.CharBuffer(count);
            for (var i = 0; i < count; i++)
            {
                spelled[i] = ByteLevelAlphabet.ToChar(bytes[i]);
            }

            if (Vocabulary.TryGetId(spelled.AsSpan(0, count), out var whole))
            {
                output.Add(whole);
                return;
            }
        }

        scratch.EnsureSymbols(count);
        var ids = scratch.SymbolId;
        var len = scratch.SymbolLength;
        var prev = scratch.Prev;
        var next = scratch.Next;
        for (var i = 0; i < count; i++)
        {
            ids[i] = _byteTokenIds[bytes[i]];
            len[i] = 1;
            prev[i] = i - 1;
            next[i] = i + 1;
        }

        next[count - 1] = -1;
        var queue = scratch.Queue;
        queue.Clear();
        for (var i = 1; i < count; i++)
        {
            TryQueueMerge(i - 1, i, scratch);
        }

        while (queue.TryDequeue(out var merge))
        {
            var (left, right) = (merge.Left, merge.Right);

            // Symbols only grow by swallowing their right neighbour, so an unchanged combined length means both sides
            // are still what they were when this entry was queued.
            if (len[left] == 0 || len[right] == 0 || len[left] + len[right] != merge.Check)
            {
                continue;
            }

            ids[left] = merge.MergedId;
            len[left] += len[right];
            len[right] = 0;
            next[left] = next[right];
            if (next[right] >= 0)
            {
                prev[next[right]] = left;
            }

            TryQueueMerge(prev[left], left, scratch);
            TryQueueMerge(left, next[left], scratch);
        }

        for (var i = 0; i != -1; i = next[i])
        {
            if (ids[i] >= 0)
            {
                output.Add(ids[i]); // a byte the vocabulary cannot spell is dropped, as llama.cpp does
            }
        }
    }

    private void TryQueueMerge(int left, int right, EncodeScratch scratch)
    {
        if (left < 0 || right < 0)
        {
            return;
        }

        var ids = scratch.SymbolId;
        if (ids[left] < 0 || ids[right] < 0 || !_merges.TryGetValue(PairKey(ids[left], ids[right]), out var merge))
        {
            return;
        }

        var size = scratch.SymbolLength[left] + scratch.SymbolLength[right];
        scratch.Queue.Enqueue(new MergeCandidate(left, right, size, merge.MergedId), new MergePriority(-merge.Rank, left));
    }

    private static long PairKey(int left, int right) => ((long)left << 32) | (uint)right;

    private static byte[][] ComputeTokenBytes(TokenizerVocabulary vocabulary)
    {
        var result = new byte[vocabulary.Count][];
        var buffer = new List<byte>();
        Span<byte> utf8 = stackalloc byte[4];
        for (var id = 0; id < result.Length; id++)
        {
            var text = vocabulary.Texts[id];
            switch (vocabulary.Types[id])
            {
                case TokenType.Normal:
                    buffer.Clear();
                    foreach (var rune in text.EnumerateRunes())
                    {
                        if (rune.IsBmp && ByteLevelAlphabet.TryGetByte((char)rune.Value, out var b))
                        {
                            buffer.Add(b);
                        }
                        else
                        {
                            // Not a byte-level character: keep it as the text it is.
                            buffer.AddRange(utf8[..rune.EncodeToUtf8(utf8)]);
                        }
                    }

                    result[id] = [.. buffer];
                    break;
                case TokenType.Control or TokenType.Unknown or TokenType.UserDefined:
                    result[id] = Encoding.UTF8.GetBytes(text);
                    break;
                default:
                    result[id] = []; // unused / undefined entries print nothing, as in llama.cpp
                    break;
            }
        }

        return result;
    }
}

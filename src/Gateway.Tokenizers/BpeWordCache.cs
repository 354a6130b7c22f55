using System.Collections.Concurrent;

namespace Gateway.Tokenizers;

/// <summary>
/// Remembers the ids each pre-tokenized word merged into, shared by all requests. Lookups take the word as a span so a
/// hit allocates nothing; when the cache reaches its capacity it is emptied and refills with what is in use now.
/// </summary>
internal sealed class BpeWordCache
{
    // Long words (base64 blobs, minified code) rarely repeat; leaving them out bounds the memory by capacity x this.
    private const int MaxWordLength = 64;

    private readonly ConcurrentDictionary<string, int[]> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
    private readonly int _capacity;
    private int _approximateCount;

    public BpeWordCache(int capacity)
    {
        _capacity = capacity;
        _bySpan = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public bool TryGet(ReadOnlySpan<char> word, out int[] ids) => _bySpan.TryGetValue(word, out ids!);

    public void Add(ReadOnlySpan<char> word, int[] ids)
    {
        if (_capacity <= 0 || word.Length > MaxWordLength)
        {
            return;
        }

        if (Interlocked.Increment(ref _approximateCount) > _capacity)
        {
            _entries.Clear();
            Interlocked.Exchange(ref _approximateCount, 1);
        }

        _bySpan.TryAdd(word, ids);
    }
}

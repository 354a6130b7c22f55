namespace Gateway.Tokenizers;

/// <summary>
/// Per-thread working memory for encoding and decoding, so a warm request thread tokenizes without growing the heap:
/// fragment and word lists, character and byte buffers, the symbol linked list and the merge queue are reused call
/// after call. Buffers grow to the largest input seen and are handed out whole (callers use a prefix).
/// </summary>
internal sealed class EncodeScratch
{
    [ThreadStatic]
    private static EncodeScratch? _current;

    private char[] _chars = new char[256];
    private byte[] _bytes = new byte[1024];
    private char[] _collapsed = new char[256];
    private int[] _indexes = new int[256];

    public static EncodeScratch Current => _current ??= new EncodeScratch();

    public List<TextFragment> Fragments { get; } = [];

    public List<int> Output { get; } = [];

    /// <summary>Pre-tokenized words as (start, length), and the list the pre-tokenizer swaps with while splitting.</summary>
    public List<(int Start, int Length)> Words { get; } = [];

    public List<(int Start, int Length)> SpareWords { get; } = [];

    public MergeQueue Queue { get; } = new();

    /// <summary>Symbols of the merge loops, a doubly linked list over parallel arrays indexed by symbol.</summary>
    public int[] SymbolStart { get; private set; } = new int[256];

    public int[] SymbolLength { get; private set; } = new int[256];

    public int[] SymbolId { get; private set; } = new int[256];

    public int[] Prev { get; private set; } = new int[256];

    public int[] Next { get; private set; } = new int[256];

    public char[] CharBuffer(int length) => Grow(ref _chars, length);

    public byte[] ByteBuffer(int length) => Grow(ref _bytes, length);

    /// <summary>The pre-tokenizer's collapsed copy of a text holding surrogate pairs.</summary>
    public char[] CollapsedBuffer(int length) => Grow(ref _collapsed, length);

    /// <summary>For each collapsed character, its index in the original text.</summary>
    public int[] IndexMap(int length) => Grow(ref _indexes, length);

    public void EnsureSymbols(int count)
    {
        if (SymbolStart.Length >= count)
        {
            return;
        }

        var size = Math.Max(count, SymbolStart.Length * 2);
        SymbolStart = new int[size];
        SymbolLength = new int[size];
        SymbolId = new int[size];
        Prev = new int[size];
        Next = new int[size];
    }

    private static T[] Grow<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new T[Math.Max(length, buffer.Length * 2)];
        }

        return buffer;
    }
}

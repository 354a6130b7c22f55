namespace Gateway.Engine.Vocab;

/// <summary>
/// Per-thread working memory for encoding, so a warm request thread tokenizes without growing the heap: fragment and
/// output lists, a character buffer, the symbol linked list and the merge queue are reused call after call.
/// </summary>
internal sealed class EncodeScratch
{
    [ThreadStatic]
    private static EncodeScratch? _current;

    public static EncodeScratch Current => _current ??= new EncodeScratch();

    public List<TextFragment> Fragments { get; } = [];

    public List<int> Output { get; } = [];

    /// <summary>Pre-tokenized words as (start, length), and the list the pre-tokenizer swaps with while splitting.</summary>
    public List<(int Start, int Length)> Words { get; } = [];

    public List<(int Start, int Length)> SpareWords { get; } = [];

    /// <summary>Candidate merges: (left symbol, right symbol, size or id check) ordered by the tokenizer's priority.</summary>
    public MergeQueue Queue { get; } = new();

    public char[] Chars { get; private set; } = new char[256];

    public byte[] Bytes { get; private set; } = new byte[1024];

    public int[] SymbolStart { get; private set; } = new int[256];

    public int[] SymbolLength { get; private set; } = new int[256];

    public int[] SymbolId { get; private set; } = new int[256];

    public int[] Prev { get; private set; } = new int[256];

    public int[] Next { get; private set; } = new int[256];

    public char[] Collapsed { get; private set; } = new char[256];

    public int[] Indexes { get; private set; } = new int[256];

    public char[] CollapsedBuffer(int length)
    {
        if (Collapsed.Length < length)
        {
            Collapsed = new char[Math.Max(length, Collapsed.Length * 2)];
        }

        return Collapsed;
    }

    public int[] IndexMap(int length)
    {
        if (Indexes.Length < length)
        {
            Indexes = new int[Math.Max(length, Indexes.Length * 2)];
        }

        return Indexes;
    }

    public char[] CharBuffer(int length)
    {
        if (Chars.Length < length)
        {
            Chars = new char[Math.Max(length, Chars.Length * 2)];
        }

        return Chars;
    }

    public byte[] ByteBuffer(int length)
    {
        if (Bytes.Length < length)
        {
            Bytes = new byte[Math.Max(length, Bytes.Length * 2)];
        }

        return Bytes;
    }

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
}

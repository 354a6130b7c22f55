using Gateway.Inference;

namespace Gateway.Serving.Tests.TestDoubles;

/// <summary>
/// A model runner double that really goes through the block tables: each step it stores every token id into a fake KV
/// slot array at the block and offset the table gives, then reads positions [0, end) back through the same table and
/// lets the subclass compute logits from what it read. A wrong block table, a bad prefix-cache hit or a block reused
/// while still referenced changes what is read back, and with it the output.
/// </summary>
internal abstract class PagedFakeRunner : IModelRunner
{
    private readonly int[] _slots;
    private int _forwardCalls;
    private int _maxChunksSeen;

    protected PagedFakeRunner(ITokenizer tokenizer, int blockSize, int blockCount, int maxBatchTokens = 4096, int contextLength = 1024)
    {
        Tokenizer = tokenizer;
        KvCache = new KvCacheGeometry(blockSize, blockCount, BytesPerBlock: 1024, KvCacheType.F32);
        MaxBatchTokens = maxBatchTokens;
        Info = new ModelInfo(GetType().Name, "fake", tokenizer.VocabSize, contextLength, 0, "none", null, "memory");
        _slots = new int[blockSize * blockCount];
        Array.Fill(_slots, -1);
    }

    public ModelInfo Info { get; }

    public ITokenizer Tokenizer { get; }

    public KvCacheGeometry KvCache { get; }

    public int MaxBatchTokens { get; }

    public int ForwardCalls => Volatile.Read(ref _forwardCalls);

    /// <summary>The most sequences one forward pass carried: proof that requests were really batched.</summary>
    public int MaxChunksSeen => Volatile.Read(ref _maxChunksSeen);

    public void Forward(ReadOnlySpan<SequenceChunk> chunks, Span<float> logits)
    {
        Interlocked.Increment(ref _forwardCalls);
        Volatile.Write(ref _maxChunksSeen, Math.Max(_maxChunksSeen, chunks.Length));
        BeforeForward(chunks);
        var total = 0;
        foreach (var chunk in chunks)
        {
            total += chunk.Tokens.Length;
        }

        if (total > MaxBatchTokens)
        {
            throw new InvalidOperationException($"{total} tokens exceed the runner's batch limit {MaxBatchTokens}.");
        }

        var vocab = Info.VocabSize;
        var row = 0;
        foreach (var chunk in chunks)
        {
            var table = chunk.BlockTable.Span;
            var tokens = chunk.Tokens.Span;
            var end = chunk.StartPosition + tokens.Length;
            for (var i = 0; i < tokens.Length; i++)
            {
                _slots[Slot(table, chunk.StartPosition + i)] = tokens[i];
            }

            if (!chunk.ComputeLogits)
            {
                continue;
            }

            var sequence = new int[end];
            for (var pos = 0; pos < end; pos++)
            {
                sequence[pos] = _slots[Slot(table, pos)];
                if (sequence[pos] < 0)
                {
                    throw new InvalidOperationException($"Position {pos} was read before anything was written there.");
                }
            }

            ComputeLogits(sequence, logits.Slice(row++ * vocab, vocab));
        }

        if (row * vocab != logits.Length)
        {
            throw new InvalidOperationException($"Logits span holds {logits.Length / vocab} rows but {row} were computed.");
        }
    }

    public void Dispose()
    {
    }

    /// <summary>Hook for doubles that fail or block on purpose.</summary>
    protected virtual void BeforeForward(ReadOnlySpan<SequenceChunk> chunks)
    {
    }

    /// <summary>Logits for the next token after <paramref name="sequence"/> (what the KV slots held, in position order).</summary>
    protected abstract void ComputeLogits(ReadOnlySpan<int> sequence, Span<float> logits);

    private int Slot(ReadOnlySpan<int> table, int position)
    {
        var blockSize = KvCache.BlockSize;
        var index = position / blockSize;
        if (index >= table.Length)
        {
            throw new InvalidOperationException($"Block table of {table.Length} blocks does not cover position {position}.");
        }

        var block = table[index];
        if ((uint)block >= (uint)KvCache.BlockCount)
        {
            throw new InvalidOperationException($"Block id {block} is outside the pool.");
        }

        return (block * blockSize) + (position % blockSize);
    }
}

namespace Gateway.Serving.KvCache;

/// <summary>
/// The scheduler's only view of KV memory: which prefix of a sequence is already cached, whether slots for new tokens
/// can be had, and giving blocks back. Works with token ids and block ids only. Owned by the scheduler loop.
/// </summary>
internal sealed class KvCacheManager
{
    private readonly BlockPool _pool;

    public KvCacheManager(BlockPool pool, int blockSize, bool enablePrefixCaching)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(blockSize, 0);
        _pool = pool;
        BlockSize = blockSize;
        PrefixCachingEnabled = enablePrefixCaching;
    }

    public int BlockSize { get; }

    public bool PrefixCachingEnabled { get; }

    public int BlockCount => _pool.BlockCount;

    public KvCacheUsage Usage => _pool.Usage;

    public int BlocksFor(int tokens) => (tokens + BlockSize - 1) / BlockSize;

    /// <summary>
    /// For a sequence holding no blocks, takes references on the cached blocks that match the longest prefix of
    /// <paramref name="tokens"/> and appends them to its table. Returns how many tokens that prefix covers. At least the
    /// last token is always left to compute, because its logits are what the next step samples from.
    /// </summary>
    public int GetComputedBlocks(SequenceBlocks blocks, ReadOnlySpan<int> tokens)
    {
        if (blocks.Count != 0)
        {
            throw new InvalidOperationException("Prefix lookup is only for a sequence that holds no blocks.");
        }

        if (!PrefixCachingEnabled)
        {
            return 0;
        }

        var maxHits = (tokens.Length - 1) / BlockSize;
        var parent = BlockHash.Root;
        for (var i = 0; i < maxHits; i++)
        {
            var hash = BlockHasher.Hash(parent, tokens.Slice(i * BlockSize, BlockSize));
            var block = _pool.FindCached(hash);
            if (block is null)
            {
                break;
            }

            _pool.Acquire(block);
            blocks.Append(block.Id);
            blocks.AppendHash(hash);
            parent = hash;
        }

        return blocks.Count * BlockSize;
    }

    /// <summary>
    /// Makes the table cover <paramref name="totalTokens"/> positions. All or nothing: false (nothing allocated) when the
    /// pool cannot supply the missing blocks, which tells the scheduler to preempt someone or wait.
    /// </summary>
    public bool TryAllocateSlots(SequenceBlocks blocks, int totalTokens)
    {
        var needed = BlocksFor(totalTokens) - blocks.Count;
        if (needed <= 0)
        {
            return true;
        }

        if (needed > _pool.AvailableCount || blocks.Count + needed > blocks.Capacity)
        {
            return false;
        }

        for (var i = 0; i < needed; i++)
        {
            blocks.Append(_pool.Allocate().Id);
        }

        return true;
    }

    /// <summary>
    /// Registers every block that became full of computed tokens in the prefix cache, chaining hashes from the last
    /// hashed block. <paramref name="tokens"/> must hold at least <paramref name="computedTokens"/> tokens.
    /// </summary>
    public void CacheFullBlocks(SequenceBlocks blocks, ReadOnlySpan<int> tokens, int computedTokens)
    {
        if (!PrefixCachingEnabled)
        {
            return;
        }

        var fullBlocks = Math.Min(computedTokens / BlockSize, blocks.Count);
        for (var i = blocks.HashedCount; i < fullBlocks; i++)
        {
            var parent = i == 0 ? BlockHash.Root : blocks.HashAt(i - 1);
            var hash = BlockHasher.Hash(parent, tokens.Slice(i * BlockSize, BlockSize));
            _pool.TryCache(_pool[blocks[i]], hash);
            blocks.AppendHash(hash);
        }
    }

    /// <summary>
    /// Gives back all of a sequence's blocks, last block first: when equally old, a prefix's tail is worth less than
    /// its head (the head is shared by more prompts), so the tail should be evicted first.
    /// </summary>
    public void Free(SequenceBlocks blocks)
    {
        for (var i = blocks.Count - 1; i >= 0; i--)
        {
            _pool.Release(_pool[blocks[i]]);
        }

        blocks.Clear();
    }
}

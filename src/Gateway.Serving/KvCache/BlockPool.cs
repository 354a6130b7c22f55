namespace Gateway.Serving.KvCache;

/// <summary>
/// The block ids [0, count) of the runner's physical KV pool: reference counts, the free queue in eviction order and the
/// prefix cache's hash map. Owned by the scheduler loop; not thread-safe.
/// </summary>
internal sealed class BlockPool
{
    private readonly KvBlock[] _blocks;
    private readonly FreeBlockQueue _free = new();
    private readonly Dictionary<BlockHash, KvBlock> _cached = [];
    private int _cachedUnreferenced;

    public BlockPool(int blockCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(blockCount, 0);
        _blocks = new KvBlock[blockCount];
        for (var id = 0; id < blockCount; id++)
        {
            _blocks[id] = new KvBlock(id);
            _free.PushTail(_blocks[id]);
        }
    }

    public int BlockCount => _blocks.Length;

    /// <summary>Blocks that can be handed out now, counting cached ones that would be evicted.</summary>
    public int AvailableCount => _free.Count;

    public KvCacheUsage Usage
    {
        get
        {
            var used = _blocks.Length - _free.Count;
            return new KvCacheUsage(_free.Count - _cachedUnreferenced, used, _cachedUnreferenced, _blocks.Length);
        }
    }

    public KvBlock this[int id] => _blocks[id];

    /// <summary>Takes the head of the free queue, evicting its cached prefix if it holds one.</summary>
    public KvBlock Allocate()
    {
        var block = _free.PopHead() ?? throw new InvalidOperationException("The KV block pool is exhausted.");
        if (block.Hash is { } hash)
        {
            _cached.Remove(hash);
            block.Hash = null;
            _cachedUnreferenced--;
        }

        block.RefCount = 1;
        return block;
    }

    /// <summary>The block holding the prefix with this hash, if it is still cached.</summary>
    public KvBlock? FindCached(BlockHash hash) => _cached.GetValueOrDefault(hash);

    /// <summary>Adds a reference to a cached block, taking it out of the free queue when it was unreferenced.</summary>
    public void Acquire(KvBlock block)
    {
        if (block.RefCount == 0)
        {
            _free.Remove(block);
            if (block.Hash is not null)
            {
                _cachedUnreferenced--;
            }
        }

        block.RefCount++;
    }

    /// <summary>Drops a reference; an unreferenced block returns to the free queue, cached ones at the LRU end.</summary>
    public void Release(KvBlock block)
    {
        if (block.RefCount <= 0)
        {
            throw new InvalidOperationException($"Block {block.Id} released more often than acquired.");
        }

        block.RefCount--;
        if (block.RefCount > 0)
        {
            return;
        }

        if (block.Hash is null)
        {
            _free.PushHead(block);
        }
        else
        {
            _free.PushTail(block);
            _cachedUnreferenced++;
        }
    }

    /// <summary>
    /// Registers a full, computed block under its prefix hash. When another block already holds that prefix (two
    /// sequences computed it at the same time) the map keeps the first; blocks are never merged, so block tables only
    /// ever grow by appending.
    /// </summary>
    public bool TryCache(KvBlock block, BlockHash hash)
    {
        if (block.Hash is not null || !_cached.TryAdd(hash, block))
        {
            return false;
        }

        block.Hash = hash;
        return true;
    }
}

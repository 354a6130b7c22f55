namespace Gateway.Serving.KvCache;

/// <summary>
/// Bookkeeping for one physical KV block. The links make the free queue a doubly linked list, so a cached block that
/// gets a prefix hit leaves the middle of the queue in O(1).
/// </summary>
internal sealed class KvBlock(int id)
{
    public int Id { get; } = id;

    /// <summary>How many sequences' block tables hold this block; 0 means it sits in the free queue.</summary>
    public int RefCount { get; set; }

    /// <summary>Set while the block is registered in the prefix cache's hash map.</summary>
    public BlockHash? Hash { get; set; }

    public KvBlock? PreviousFree { get; set; }

    public KvBlock? NextFree { get; set; }

    public bool InFreeQueue { get; set; }
}

using Gateway.Serving.KvCache;

namespace Gateway.Serving.Tests.KvCache;

public sealed class KvCacheManagerTests
{
    private const int BlockSize = 4;

    [Fact]
    public void Shared_prefix_blocks_are_reused_and_refcounted()
    {
        var kv = new KvCacheManager(new BlockPool(8), BlockSize, enablePrefixCaching: true);
        int[] tokens = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        var first = Prefill(kv, tokens);

        var second = new SequenceBlocks(4);
        var computed = kv.GetComputedBlocks(second, tokens);

        Assert.Equal(8, computed);
        Assert.Equal(first[0], second[0]);
        Assert.Equal(first[1], second[1]);
        Assert.Equal(new KvCacheUsage(Free: 5, Used: 3, Cached: 0, Total: 8), kv.Usage);
        kv.Free(first);
        Assert.Equal(new KvCacheUsage(Free: 6, Used: 2, Cached: 0, Total: 8), kv.Usage);
        kv.Free(second);
        Assert.Equal(new KvCacheUsage(Free: 6, Used: 0, Cached: 2, Total: 8), kv.Usage);
    }

    [Fact]
    public void Hashes_are_chained_so_an_equal_block_after_a_different_prefix_does_not_hit()
    {
        var kv = new KvCacheManager(new BlockPool(8), BlockSize, enablePrefixCaching: true);
        kv.Free(Prefill(kv, [1, 2, 3, 4, 5, 6, 7, 8, 9]));

        var other = new SequenceBlocks(4);

        Assert.Equal(0, kv.GetComputedBlocks(other, [9, 9, 9, 9, 5, 6, 7, 8, 9]));
        Assert.Equal(4, kv.GetComputedBlocks(new SequenceBlocks(4), [1, 2, 3, 4, 0, 0, 0, 0, 9]));
    }

    [Fact]
    public void Allocation_is_all_or_nothing()
    {
        var kv = new KvCacheManager(new BlockPool(3), BlockSize, enablePrefixCaching: false);
        var blocks = new SequenceBlocks(8);

        Assert.True(kv.TryAllocateSlots(blocks, 8));
        Assert.False(kv.TryAllocateSlots(blocks, 16));
        Assert.Equal(2, blocks.Count);
        Assert.True(kv.TryAllocateSlots(blocks, 12));
        Assert.Equal(3, blocks.Count);
    }

    [Fact]
    public void Without_prefix_caching_nothing_is_cached_or_found()
    {
        var kv = new KvCacheManager(new BlockPool(4), BlockSize, enablePrefixCaching: false);
        kv.Free(Prefill(kv, [1, 2, 3, 4, 5]));

        Assert.Equal(0, kv.GetComputedBlocks(new SequenceBlocks(4), [1, 2, 3, 4, 5]));
        Assert.Equal(new KvCacheUsage(4, 0, 0, 4), kv.Usage);
    }

    private static SequenceBlocks Prefill(KvCacheManager kv, int[] tokens)
    {
        var blocks = new SequenceBlocks(4);
        Assert.Equal(0, kv.GetComputedBlocks(blocks, tokens));
        Assert.True(kv.TryAllocateSlots(blocks, tokens.Length));
        kv.CacheFullBlocks(blocks, tokens, tokens.Length);
        return blocks;
    }
}

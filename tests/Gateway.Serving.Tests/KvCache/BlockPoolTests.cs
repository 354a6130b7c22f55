using Gateway.Serving.KvCache;

namespace Gateway.Serving.Tests.KvCache;

public sealed class BlockPoolTests
{
    private static readonly BlockHash HashA = new(1, 1);
    private static readonly BlockHash HashB = new(2, 2);

    [Fact]
    public void Usage_accounts_for_every_block_as_free_used_or_cached()
    {
        var pool = new BlockPool(4);
        var a = pool.Allocate();
        var b = pool.Allocate();
        pool.TryCache(a, HashA);

        pool.Release(a);

        Assert.Equal(new KvCacheUsage(Free: 2, Used: 1, Cached: 1, Total: 4), pool.Usage);
        Assert.Equal(3, pool.AvailableCount);
        Assert.Same(a, pool.FindCached(HashA));
        pool.Release(b);
        Assert.Equal(new KvCacheUsage(3, 0, 1, 4), pool.Usage);
    }

    [Fact]
    public void Empty_blocks_are_handed_out_before_cached_ones_and_cached_ones_leave_in_lru_order()
    {
        var pool = new BlockPool(3);
        var older = pool.Allocate();
        var newer = pool.Allocate();
        var plain = pool.Allocate();
        pool.TryCache(older, HashA);
        pool.TryCache(newer, HashB);
        pool.Release(older);
        pool.Release(newer);
        pool.Release(plain);

        Assert.Same(plain, pool.Allocate());
        Assert.Same(older, pool.Allocate());
        Assert.Null(pool.FindCached(HashA));
        Assert.Same(newer, pool.FindCached(HashB));
    }

    [Fact]
    public void A_hit_on_an_unreferenced_cached_block_takes_it_out_of_the_free_queue()
    {
        var pool = new BlockPool(2);
        var cached = pool.Allocate();
        pool.TryCache(cached, HashA);
        pool.Release(cached);

        pool.Acquire(cached);
        pool.Acquire(cached);

        Assert.Equal(2, cached.RefCount);
        Assert.Equal(new KvCacheUsage(1, 1, 0, 2), pool.Usage);
        var other = pool.Allocate();
        Assert.NotSame(cached, other);
        Assert.Throws<InvalidOperationException>(() => pool.Allocate());
    }

    [Fact]
    public void Second_block_with_the_same_prefix_is_not_registered()
    {
        var pool = new BlockPool(2);
        var first = pool.Allocate();
        var second = pool.Allocate();

        Assert.True(pool.TryCache(first, HashA));
        Assert.False(pool.TryCache(second, HashA));
        Assert.Null(second.Hash);
    }

    [Fact]
    public void Releasing_more_than_acquired_is_a_bug_that_is_reported()
    {
        var pool = new BlockPool(1);
        var block = pool.Allocate();
        pool.Release(block);

        Assert.Throws<InvalidOperationException>(() => pool.Release(block));
    }
}

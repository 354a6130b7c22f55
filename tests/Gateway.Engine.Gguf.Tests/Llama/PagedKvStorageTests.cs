using Gateway.Engine.Gguf.Llama;
using Gateway.Inference;

namespace Gateway.Engine.Gguf.Tests.Llama;

public class PagedKvStorageTests
{
    [Fact]
    public void An_infinity_or_nan_stored_once_switches_the_cache_to_exact_widening_for_good()
    {
        using var kv = new PagedKvStorage(layers: 2, blockCount: 4, blockSize: 16, kvDim: 64, KvCacheType.F16);
        var finite = Enumerable.Range(0, 64).Select(i => (Half)(i * 1000f)).ToArray();
        finite[3] = Half.MaxValue;
        kv.NoteStored(finite);
        Assert.False(kv.HoldsNonFinite);

        var overflowed = (Half[])finite.Clone();
        overflowed[40] = Half.PositiveInfinity; // a value past 65504 rounds to it
        kv.NoteStored(overflowed);
        Assert.True(kv.HoldsNonFinite);

        kv.NoteStored(finite);
        Assert.True(kv.HoldsNonFinite);
    }
}

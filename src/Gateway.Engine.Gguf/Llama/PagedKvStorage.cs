using System.Runtime.InteropServices;
using Gateway.Inference;
using Gateway.Kernels;

namespace Gateway.Engine.Gguf.Llama;

/// <summary>
/// The physical KV memory: for every layer, <c>BlockCount</c> blocks of <c>BlockSize</c> token slots. Values are kept
/// token-major (a slot is one token's values for all KV heads, read as rows by the weighted sum); keys are kept
/// dimension-major within a block (<c>KvDim</c> rows of <c>BlockSize</c> positions), the transposed layout the score
/// kernel reads, so attention converts a key block in one contiguous pass instead of transposing it element by element.
/// Native, aligned and allocated once, so the cache never touches the GC heap and the serving layer can size it exactly
/// from a memory budget.
/// </summary>
internal sealed unsafe class PagedKvStorage : IDisposable
{
    private readonly byte* _keys;
    private readonly byte* _values;
    private readonly long _layerStride;
    private readonly int _slotBytes;
    private bool _holdsNonFinite;

    public PagedKvStorage(int layers, int blockCount, int blockSize, int kvDim, KvCacheType type)
    {
        Layers = layers;
        BlockCount = blockCount;
        BlockSize = blockSize;
        KvDim = kvDim;
        Type = type;
        _slotBytes = kvDim * ElementBytes(type);
        _layerStride = (long)blockCount * blockSize * _slotBytes;
        var total = (nuint)(_layerStride * layers);
        _keys = (byte*)NativeMemory.AlignedAlloc(total, 64);
        _values = (byte*)NativeMemory.AlignedAlloc(total, 64);
    }

    public int Layers { get; }

    public int BlockCount { get; }

    public int BlockSize { get; }

    public int KvDim { get; }

    public KvCacheType Type { get; }

    /// <summary>
    /// Whether an fp16 Inf or NaN was ever stored (see <see cref="NoteStored"/>). Until one is, attention widens the
    /// cache with the cheaper finite-only form, which gives the same bits for every finite half; once one is, it
    /// widens every half exactly for the rest of the cache's life. A model whose keys or values overflow fp16 gets
    /// llama.cpp's infinities, not large finite numbers.
    /// </summary>
    public bool HoldsNonFinite => Volatile.Read(ref _holdsNonFinite);

    /// <summary>Records fp16 keys or values just written to the cache: sets <see cref="HoldsNonFinite"/> if any is Inf or NaN.</summary>
    public void NoteStored(ReadOnlySpan<Half> stored)
    {
        if (!Volatile.Read(ref _holdsNonFinite) && VectorOps.AnyNonFinite(stored))
        {
            Volatile.Write(ref _holdsNonFinite, true);
        }
    }

    /// <summary>Bytes one block occupies across all layers, keys and values.</summary>
    public long BytesPerBlock => 2L * Layers * BlockSize * _slotBytes;

    public static int ElementBytes(KvCacheType type) => type == KvCacheType.F32 ? 4 : 2;

    public static long BytesPerBlockFor(int layers, int blockSize, int kvDim, KvCacheType type) =>
        2L * layers * blockSize * kvDim * ElementBytes(type);

    /// <summary>Start of a key block: <c>KvDim</c> rows (one per key dimension) of <c>BlockSize</c> positions.</summary>
    public byte* KeyBlock(int layer, int block) => _keys + (layer * _layerStride) + ((long)block * BlockSize * _slotBytes);

    public byte* ValueSlot(int layer, int block, int slot) => _values + (layer * _layerStride) + (((long)block * BlockSize) + slot) * _slotBytes;

    public void Dispose()
    {
        NativeMemory.AlignedFree(_keys);
        NativeMemory.AlignedFree(_values);
    }
}

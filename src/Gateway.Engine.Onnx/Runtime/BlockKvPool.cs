using System.Runtime.InteropServices;

namespace Gateway.Engine.Onnx.Runtime;

/// <summary>
/// The scheduler's KV blocks for the ONNX decoder: block b holds, for every layer, keys then values,
/// [kvHeads][blockSize][headSize] floats each. GroupQueryAttention wants each run's rows as dense
/// [rows, kvHeads, length, headSize] tensors, so before a run the rows' past positions are gathered into a staging
/// buffer the decoder reads and writes in place (past and present share it), and after the run the positions it
/// wrote are scattered back into the blocks. Blocks stay the one source of truth, so prefix sharing, preemption and
/// rows joining or leaving between any two steps work as they do for the GGUF engine.
/// </summary>
internal sealed unsafe class BlockKvPool : IDisposable
{
    private readonly int _layers;
    private readonly int _kvHeads;
    private readonly int _headSize;
    private readonly long _blockFloats;
    private readonly long _stagingRegionFloats;
    private float* _blocks;
    private float* _staging;

    public BlockKvPool(int layers, int kvHeads, int headSize, int blockSize, int blockCount, long stagingTokens)
    {
        _layers = layers;
        _kvHeads = kvHeads;
        _headSize = headSize;
        BlockSize = blockSize;
        BlockCount = blockCount;
        StagingTokens = stagingTokens;
        _blockFloats = (long)layers * 2 * kvHeads * blockSize * headSize;
        _stagingRegionFloats = stagingTokens * kvHeads * headSize;
        _blocks = (float*)NativeMemory.AlignedAlloc((nuint)(_blockFloats * blockCount * sizeof(float)), 64);
        _staging = (float*)NativeMemory.AlignedAlloc((nuint)(_stagingRegionFloats * layers * 2 * sizeof(float)), 64);
    }

    public int BlockSize { get; }

    public int BlockCount { get; }

    /// <summary>Rows × length one run may stage (per layer); runs are split so they fit.</summary>
    public long StagingTokens { get; }

    public long BytesPerBlock => _blockFloats * sizeof(float);

    /// <summary>The staging tensor of one layer's keys (<paramref name="value"/> false) or values for a run of this shape.</summary>
    public IntPtr StagingTensor(int layer, bool value) => (IntPtr)(_staging + (((layer * 2) + (value ? 1 : 0)) * _stagingRegionFloats));

    public long StagingTensorBytes(int rows, int length) => (long)rows * _kvHeads * length * _headSize * sizeof(float);

    /// <summary>Copies positions [0, count) of a sequence from its blocks into row <paramref name="row"/> of the staging tensors.</summary>
    public void Gather(ReadOnlySpan<int> blockTable, int count, int row, int length) => Copy(blockTable, 0, count, row, length, toStaging: true);

    /// <summary>Copies positions [start, start + count) of row <paramref name="row"/> back into the sequence's blocks.</summary>
    public void Scatter(ReadOnlySpan<int> blockTable, int start, int count, int row, int length) => Copy(blockTable, start, count, row, length, toStaging: false);

    private void Copy(ReadOnlySpan<int> blockTable, int start, int count, int row, int length, bool toStaging)
    {
        var end = start + count;
        var blockStride = (long)BlockSize * _headSize;
        for (var position = start; position < end;)
        {
            var block = blockTable[position / BlockSize];
            var offset = position % BlockSize;
            var run = Math.Min(BlockSize - offset, end - position);
            var bytes = (long)run * _headSize * sizeof(float);
            for (var layer = 0; layer < _layers; layer++)
            {
                for (var kind = 0; kind < 2; kind++)
                {
                    var blockBase = _blocks + (block * _blockFloats) + ((((layer * 2) + kind) * _kvHeads) * blockStride) + ((long)offset * _headSize);
                    var stagingBase = _staging + ((((layer * 2) + kind) * _stagingRegionFloats)) + ((long)row * _kvHeads * length * _headSize) + ((long)position * _headSize);
                    for (var head = 0; head < _kvHeads; head++)
                    {
                        var b = blockBase + (head * blockStride);
                        var s = stagingBase + ((long)head * length * _headSize);
                        if (toStaging)
                        {
                            Buffer.MemoryCopy(b, s, bytes, bytes);
                        }
                        else
                        {
                            Buffer.MemoryCopy(s, b, bytes, bytes);
                        }
                    }
                }
            }

            position += run;
        }
    }

    public void Dispose()
    {
        if (_blocks != null)
        {
            NativeMemory.AlignedFree(_blocks);
            NativeMemory.AlignedFree(_staging);
            _blocks = null;
            _staging = null;
        }
    }
}

using System.Runtime.InteropServices;

namespace Gateway.Engine.Onnx.Runtime;

/// <summary>
/// The scheduler's KV blocks for the ONNX decoder, and the staging rows the decoder reads and writes.
/// <para>
/// Block b holds, for every layer, keys then values, [kvHeads][blockSize][headSize] floats each. GroupQueryAttention
/// wants a run's rows as dense [rows, kvHeads, length, headSize] tensors, so each row of a run is a staging row: a
/// sequence's past, laid out for the decoder, which the decoder extends in place (past and present share it). After a
/// run the positions it wrote are scattered back into the blocks, so blocks stay the one source of truth: prefix
/// sharing, preemption, and rows joining or leaving between any two steps work as they do for the GGUF engine.
/// </para>
/// <para>
/// Rows have one fixed length, <see cref="RowLength"/>, for many steps instead of the step's longest sequence: with a
/// length that changed every step, every row's layout changed with it and the whole past of every row had to be copied
/// again each step. With a fixed length a row stays valid from one step to the next (<see cref="StagingRows"/> tracks
/// which sequence each holds), and a step copies only what is new. The attention reads each row up to its own length
/// (from the mask), so the padding costs memory, not time.
/// </para>
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

    public BlockKvPool(int layers, int kvHeads, int headSize, int blockSize, int blockCount, long stagingTokens, int rowLength)
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
        SetRowLength(rowLength);
    }

    public int BlockSize { get; }

    public int BlockCount { get; }

    /// <summary>Staged positions per layer and kind, over all rows.</summary>
    public long StagingTokens { get; }

    /// <summary>Positions per staging row: the longest sequence a row holds. Changing it invalidates every row.</summary>
    public int RowLength { get; private set; }

    /// <summary>Staging rows at the current <see cref="RowLength"/>.</summary>
    public int RowCapacity { get; private set; }

    public long BytesPerBlock => _blockFloats * sizeof(float);

    public void SetRowLength(int rowLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rowLength, StagingTokens);
        RowLength = rowLength;
        RowCapacity = (int)Math.Min(int.MaxValue, StagingTokens / rowLength);
    }

    /// <summary>The staging tensor of one layer's keys (<paramref name="value"/> false) or values, from <paramref name="firstRow"/> on.</summary>
    public IntPtr StagingTensor(int layer, bool value, int firstRow) => (IntPtr)RowBase(layer, value ? 1 : 0, firstRow);

    public long StagingTensorBytes(int rows) => (long)rows * _kvHeads * RowLength * _headSize * sizeof(float);

    /// <summary>Copies positions [start, start + count) of a sequence from its blocks into staging row <paramref name="row"/>.</summary>
    public void Gather(ReadOnlySpan<int> blockTable, int start, int count, int row) => Copy(blockTable, start, count, row, toStaging: true);

    /// <summary>Copies positions [start, start + count) of staging row <paramref name="row"/> back into the sequence's blocks.</summary>
    public void Scatter(ReadOnlySpan<int> blockTable, int start, int count, int row) => Copy(blockTable, start, count, row, toStaging: false);

    /// <summary>Copies positions [0, count) of staging row <paramref name="from"/> to row <paramref name="to"/>.</summary>
    public void MoveRow(int from, int to, int count)
    {
        var bytes = (long)count * _headSize * sizeof(float);
        for (var layer = 0; layer < _layers; layer++)
        {
            for (var kind = 0; kind < 2; kind++)
            {
                var source = RowBase(layer, kind, from);
                var target = RowBase(layer, kind, to);
                for (var head = 0; head < _kvHeads; head++)
                {
                    var offset = (long)head * RowLength * _headSize;
                    Buffer.MemoryCopy(source + offset, target + offset, bytes, bytes);
                }
            }
        }
    }

    private float* RowBase(int layer, int kind, int row) =>
        _staging + (((layer * 2) + kind) * _stagingRegionFloats) + ((long)row * _kvHeads * RowLength * _headSize);

    private void Copy(ReadOnlySpan<int> blockTable, int start, int count, int row, bool toStaging)
    {
        var end = start + count;
        var blockStride = (long)BlockSize * _headSize;
        var rowHeadStride = (long)RowLength * _headSize;
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
                    var stagingBase = RowBase(layer, kind, row) + ((long)position * _headSize);
                    for (var head = 0; head < _kvHeads; head++)
                    {
                        var b = blockBase + (head * blockStride);
                        var s = stagingBase + (head * rowHeadStride);
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

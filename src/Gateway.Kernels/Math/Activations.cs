using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Gateway.Kernels;

/// <summary>
/// The right-hand side of a matmul: up to <see cref="MaxRows"/> rows of <see cref="Cols"/> floats, plus their int8
/// form (blocks of 32: a float scale, 32 signed bytes, the block's integer sum and that sum times the scale), built
/// lazily once per content change for whichever quantized weight needs it. All buffers are native and 64-byte
/// aligned, allocated once: calls allocate nothing.
/// </summary>
/// <remarks>
/// Writers fill rows through <see cref="Row"/> (or write then call <see cref="SetCount"/>); either marks the int8 form
/// stale. Several threads may call <see cref="EnsureQuantized"/> at once (fused dispatches do): one quantizes, the
/// others wait for it.
/// </remarks>
public sealed unsafe class Activations : IDisposable
{
    /// <summary>Rows from which <see cref="EnsureQuantized"/> splits the work across a pool: below it a dispatch costs more than it saves.</summary>
    public const int ParallelQuantizeRows = 4;

    /// <summary>
    /// Rows per tile of the quantized form, the GEMM kernels' token tile: a tile interleaves its rows' quants in every
    /// cache line, so two threads writing rows of one tile share its lines.
    /// </summary>
    public const int TileRows = PackedLayout.TileTokens;

    private readonly object _quantizeGate = new();
    private float* _floats;
    private sbyte* _quants;
    private float* _scales;
    private int* _sums;
    private float* _scaledSums;
    private sbyte* _tileQuants;
    private float* _tileScales;
    private int* _tileSums;
    private int _version;
    private int _quantizedVersion = -1;

    public Activations(int maxRows, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(cols, 1);
        MaxRows = maxRows;
        Cols = cols;
        Count = maxRows;
        BlocksPerRow = cols / BlockLayout.Qk;
        nuint rowsCols = (nuint)maxRows * (nuint)cols;
        _floats = (float*)Allocate(rowsCols * sizeof(float));
        _quants = (sbyte*)Allocate(rowsCols);
        nuint blocks = (nuint)maxRows * (nuint)Math.Max(1, BlocksPerRow);
        _scales = (float*)Allocate(blocks * sizeof(float));
        _sums = (int*)Allocate(blocks * sizeof(int));
        _scaledSums = (float*)Allocate(blocks * sizeof(float));
        nuint tileBlocks = (nuint)TileCount(maxRows) * (nuint)Math.Max(1, BlocksPerRow);
        _tileQuants = (sbyte*)Allocate(tileBlocks * PackedLayout.TileBlockBytes);
        _tileScales = (float*)Allocate(tileBlocks * PackedLayout.TileTokens * sizeof(float));
        _tileSums = (int*)Allocate(tileBlocks * PackedLayout.TileSumInts * sizeof(int));
    }

    public int Cols { get; }

    public int MaxRows { get; }

    /// <summary>Rows in use (one per token of the batch); starts at <see cref="MaxRows"/>.</summary>
    public int Count { get; private set; }

    internal int BlocksPerRow { get; }

    /// <summary>Float input row <paramref name="i"/> (i &lt; MaxRows) for the caller to write; marks the int8 form stale.</summary>
    public Span<float> Row(int i)
    {
        ObjectDisposedException.ThrowIf(_floats == null, this);
        if ((uint)i >= (uint)MaxRows) throw new ArgumentOutOfRangeException(nameof(i));
        Interlocked.Increment(ref _version);
        return new Span<float>(_floats + (nint)i * Cols, Cols);
    }

    /// <summary>
    /// Float input rows [<paramref name="from"/>, <paramref name="to"/>) as one span (row i at (i - from) * Cols) for the
    /// caller to write; marks the int8 form stale once for them all. Threads filling their own rows at once (a step
    /// split by tokens) would otherwise contend for the one stale mark on every row.
    /// </summary>
    public Span<float> Rows(int from, int to)
    {
        ObjectDisposedException.ThrowIf(_floats == null, this);
        if (from < 0 || to > MaxRows || from > to) throw new ArgumentOutOfRangeException(nameof(from), $"Rows [{from}, {to}) are outside [0, {MaxRows}).");
        Interlocked.Increment(ref _version);
        return new Span<float>(_floats + (nint)from * Cols, (to - from) * Cols);
    }

    /// <summary>Sets how many rows the next multiplications use and marks the int8 form stale.</summary>
    public void SetCount(int rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, MaxRows);
        Count = rows;
        Interlocked.Increment(ref _version);
    }

    /// <summary>
    /// Builds the int8 form of the first <see cref="Count"/> rows unless it is current. Requires Cols % 32 == 0. Given a
    /// <paramref name="pool"/>, from <see cref="ParallelQuantizeRows"/> rows on the rows are split across its threads:
    /// at batch 16 quantizing on one thread left the other idle for several percent of a decode step. Each row is
    /// quantized exactly as on one thread. Never pass the pool from inside one of its own dispatches.
    /// </summary>
    public void EnsureQuantized(ComputePool? pool = null)
    {
        if (Volatile.Read(ref _quantizedVersion) == Volatile.Read(ref _version))
        {
            return;
        }

        if (Cols % BlockLayout.Qk != 0)
        {
            throw new InvalidOperationException($"Quantized weights need Cols to be a multiple of {BlockLayout.Qk}; Cols is {Cols}.");
        }

        lock (_quantizeGate)
        {
            int version = Volatile.Read(ref _version);
            if (_quantizedVersion == version)
            {
                return;
            }

            ObjectDisposedException.ThrowIf(_floats == null, this);
            if (pool is { Threads: > 1 } && Count >= ParallelQuantizeRows)
            {
                var work = new QuantizeWork(this);
                pool.Run(ref work);
            }
            else
            {
                QuantizeRows(0, Count);
            }

            Volatile.Write(ref _quantizedVersion, version);
        }
    }

    /// <summary>
    /// Builds the int8 form of rows [<paramref name="from"/>, <paramref name="to"/>) now, inside a caller's own
    /// per-row stage right after it wrote them (norm or activation, then quantize, while the row is in cache), instead
    /// of in a pool dispatch of its own. Threads may quantize disjoint ranges at once. Once every range is done, call
    /// <see cref="MarkQuantized"/>; writing a row afterwards marks the form stale again as usual.
    /// </summary>
    public void QuantizeRange(int from, int to)
    {
        ObjectDisposedException.ThrowIf(_floats == null, this);
        if (Cols % BlockLayout.Qk != 0)
        {
            throw new InvalidOperationException($"Quantized weights need Cols to be a multiple of {BlockLayout.Qk}; Cols is {Cols}.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(from);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(to, MaxRows);
        QuantizeRows(from, to);
    }

    /// <summary>Sets <see cref="Count"/> and declares the int8 form of those rows current: each was quantized by <see cref="QuantizeRange"/> after its last write.</summary>
    public void MarkQuantized(int rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, MaxRows);
        lock (_quantizeGate)
        {
            Count = rows;
            Volatile.Write(ref _quantizedVersion, Volatile.Read(ref _version));
        }
    }

    /// <summary>Tiles of <see cref="PackedLayout.TileTokens"/> rows needed for <paramref name="rows"/> rows.</summary>
    internal static int TileCount(int rows) => (rows + PackedLayout.TileTokens - 1) / PackedLayout.TileTokens;

    /// <summary>Tile <paramref name="tile"/> of the int8 form in the GEMM kernels' interleaved layout (see <see cref="PackedLayout"/>).</summary>
    internal QuantizedTile Tile(int tile)
    {
        nint blocks = (nint)tile * BlocksPerRow;
        return new QuantizedTile(
            _tileQuants + blocks * PackedLayout.TileBlockBytes, _tileScales + blocks * PackedLayout.TileTokens, _tileSums + blocks * PackedLayout.TileSumInts);
    }

    internal float* FloatRow(int i) => _floats + (nint)i * Cols;

    internal sbyte* QuantRow(int i) => _quants + (nint)i * Cols;

    internal float* ScaleRow(int i) => _scales + (nint)i * BlocksPerRow;

    internal int* SumRow(int i) => _sums + (nint)i * BlocksPerRow;

    internal float* ScaledSumRow(int i) => _scaledSums + (nint)i * BlocksPerRow;

    public void Dispose()
    {
        Free(ref _floats);
        Free(ref _quants);
        Free(ref _scales);
        Free(ref _sums);
        Free(ref _scaledSums);
        Free(ref _tileQuants);
        Free(ref _tileScales);
        Free(ref _tileSums);
    }

    private void QuantizeRows(int from, int to)
    {
        for (int r = from; r < to; r++)
        {
            if (r % PackedLayout.TileTokens == 0 && r + PackedLayout.TileTokens <= to && ActivationQuantizer.QuantizesWholeTiles)
            {
                // A whole tile at once (same bytes, several times faster); rows of a tile cut by the range go one by one.
                var whole = Tile(r / PackedLayout.TileTokens);
                ActivationQuantizer.QuantizeTile(
                    _floats + (nint)r * Cols, Cols, _quants + (nint)r * Cols,
                    _scales + (nint)r * BlocksPerRow, _sums + (nint)r * BlocksPerRow, _scaledSums + (nint)r * BlocksPerRow,
                    whole.Quants, whole.Scales, whole.Sums);
                r += PackedLayout.TileTokens - 1;
                continue;
            }

            var tile = Tile(r / PackedLayout.TileTokens);
            int slot = r % PackedLayout.TileTokens;
            ActivationQuantizer.QuantizeRow(
                _floats + (nint)r * Cols, Cols, _quants + (nint)r * Cols,
                _scales + (nint)r * BlocksPerRow, _sums + (nint)r * BlocksPerRow, _scaledSums + (nint)r * BlocksPerRow,
                tile.Quants + (4 * slot), tile.Scales + slot, tile.Sums + slot);
        }
    }

    private static void* Allocate(nuint bytes)
    {
        void* p = NativeMemory.AlignedAlloc(Math.Max(bytes, 64), 64);
        NativeMemory.Clear(p, Math.Max(bytes, 64));
        return p;
    }

    private static void Free<T>(ref T* p)
        where T : unmanaged
    {
        if (p != null)
        {
            NativeMemory.AlignedFree(p);
            p = null;
        }
    }

    /// <summary>Exposes the int8 form to the kernels of one activation row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal QuantizedRow Quantized(int i) => new(QuantRow(i), ScaleRow(i), SumRow(i), ScaledSumRow(i));

    /// <summary>Contiguous row ranges per thread; rows are independent, so the split changes no value.</summary>
    private readonly struct QuantizeWork(Activations owner) : IComputeWork
    {
        public void Execute(int threadIndex, int threadCount)
        {
            var rows = owner.Count;
            owner.QuantizeRows(rows * threadIndex / threadCount, rows * (threadIndex + 1) / threadCount);
        }
    }
}

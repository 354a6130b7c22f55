namespace Gateway.Kernels;

/// <summary>
/// y[i, r] = dot(weight row r, activation row i) for every activation row i &lt; x.Count and weight row r; y is
/// x.Count * w.Rows floats, row-major by i. Float weights multiply the float activations; quantized weights
/// multiply the int8 form, built once per activation change.
/// </summary>
public static unsafe class MatMul
{
    /// <summary>Weight rows per cache tile in batched products (32 rows of 576 Q4_0 columns are about 10 KiB).</summary>
    private const int RowTile = 32;

    /// <summary>Activation rows a batched kernel takes per weight row.</summary>
    private const int BatchGroup = 4;

    /// <summary>Splits the weight rows across the pool's threads; each thread reads its rows once for all activation rows.</summary>
    public static void Multiply(in WeightMatrix w, Activations x, Span<float> y, ComputePool pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        Validate(w, x, y);
        if (!GgmlTypeTraits.IsFloat(w.Type))
        {
            x.EnsureQuantized(pool);
        }

        fixed (float* output = y)
        {
            var work = new MultiplyWork(w, x, output, pool);
            pool.Run(ref work);
        }
    }

    /// <summary>
    /// Computes only weight rows [rowStart, rowEnd) into the full-size <paramref name="y"/>: lets a model fuse several
    /// matrices (Q/K/V, gate/up) into one pool dispatch. Safe to call from several threads at once for disjoint ranges.
    /// </summary>
    public static void MultiplyRows(in WeightMatrix w, Activations x, Span<float> y, int rowStart, int rowEnd)
    {
        Validate(w, x, y);
        if (rowStart < 0 || rowEnd > w.Rows || rowStart > rowEnd)
        {
            throw new ArgumentOutOfRangeException(nameof(rowStart), $"Row range [{rowStart}, {rowEnd}) is outside [0, {w.Rows}).");
        }

        if (!GgmlTypeTraits.IsFloat(w.Type))
        {
            x.EnsureQuantized();
        }

        fixed (float* output = y)
        {
            MultiplyRange(w, x, output, rowStart, rowEnd, KernelDispatch.Table);
        }
    }

    /// <summary>
    /// Computes every weight row for activation rows [<paramref name="tokenStart"/>, <paramref name="tokenEnd"/>) only,
    /// into the full-size <paramref name="y"/>, on the calling thread: lets each thread carry its own tokens through a
    /// whole forward pass with no join between matrices. Safe to call from several threads at once for disjoint token
    /// ranges. Reads the int8 form of those rows as it is: the caller quantized them (<see cref="Activations.QuantizeRange"/>)
    /// after writing them. Each token gets the same bits as from <see cref="Multiply"/>.
    /// </summary>
    public static void MultiplyTokens(in WeightMatrix w, Activations x, Span<float> y, int tokenStart, int tokenEnd) =>
        MultiplyTokens(w, x, y, tokenStart, tokenEnd, 0, w.Rows);

    /// <summary>
    /// <see cref="MultiplyTokens(in WeightMatrix, Activations, Span{float}, int, int)"/> for weight rows [<paramref name="rowStart"/>,
    /// <paramref name="rowEnd"/>) only: lets threads share one token range's product in row pieces.
    /// </summary>
    public static void MultiplyTokens(in WeightMatrix w, Activations x, Span<float> y, int tokenStart, int tokenEnd, int rowStart, int rowEnd)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (rowStart < 0 || rowEnd > w.Rows || rowStart > rowEnd)
        {
            throw new ArgumentOutOfRangeException(nameof(rowStart), $"Row range [{rowStart}, {rowEnd}) is outside [0, {w.Rows}).");
        }

        ValidateColumns(w, x);
        if (tokenStart < 0 || tokenEnd > x.MaxRows || tokenStart > tokenEnd)
        {
            throw new ArgumentOutOfRangeException(nameof(tokenStart), $"Token range [{tokenStart}, {tokenEnd}) is outside [0, {x.MaxRows}).");
        }

        if (y.Length < (long)tokenEnd * w.Rows)
        {
            throw new ArgumentException($"Output needs {(long)tokenEnd * w.Rows} floats ({tokenEnd} x {w.Rows}); got {y.Length}.", nameof(y));
        }

        fixed (float* output = y)
        {
            MultiplyRange(w, x, output, rowStart, rowEnd, KernelDispatch.Table, tokenStart, tokenEnd);
        }
    }

    internal static void MultiplyRange(in WeightMatrix w, Activations x, float* y, int rowStart, int rowEnd, KernelTable kernels) =>
        MultiplyRange(w, x, y, rowStart, rowEnd, kernels, 0, x.Count);

    private static void MultiplyRange(in WeightMatrix w, Activations x, float* y, int rowStart, int rowEnd, KernelTable kernels, int tokenStart, int tokenEnd)
    {
        if (w.Packed is { } packed)
        {
            PackedMatMul.MultiplyRange(packed, x, y, rowStart, rowEnd, kernels, tokenStart, tokenEnd);
            return;
        }

        int rows = w.Rows;
        int rowBytes = w.RowBytes;
        if (GgmlTypeTraits.IsFloat(w.Type))
        {
            var dot = kernels.Float(w.Type);
            for (int r = rowStart; r < rowEnd; r++)
            {
                byte* row = w.Data + (nint)r * rowBytes;
                for (int i = tokenStart; i < tokenEnd; i++)
                {
                    y[(nint)i * rows + r] = dot(row, x.FloatRow(i), w.Cols);
                }
            }

            return;
        }

        var quantDot = kernels.Quantized(w.Type);
        var batchDot = kernels.Batch4(w.Type);
        int blocks = x.BlocksPerRow;
        QuantizedRow* group = stackalloc QuantizedRow[BatchGroup];
        float* results = stackalloc float[BatchGroup];
        int batched = batchDot != null ? tokenStart + ((tokenEnd - tokenStart) / BatchGroup * BatchGroup) : tokenStart;

        // Tiles of weight rows against groups of activation rows: a tile (a few KiB of weights) and a group (a few KiB
        // of int8 activations) both stay in L1 while they meet, instead of streaming every activation row from L2 once
        // per weight row — what makes long prefills compute-bound rather than cache-bound.
        for (int tileStart = rowStart; tileStart < rowEnd; tileStart += RowTile)
        {
            int tileEnd = Math.Min(rowEnd, tileStart + RowTile);
            for (int i = tokenStart; i < batched; i += BatchGroup)
            {
                for (int k = 0; k < BatchGroup; k++) group[k] = x.Quantized(i + k);
                for (int r = tileStart; r < tileEnd; r++)
                {
                    batchDot(w.Data + (nint)r * rowBytes, group, blocks, results);
                    for (int k = 0; k < BatchGroup; k++) y[(nint)(i + k) * rows + r] = results[k];
                }
            }

            for (int i = batched; i < tokenEnd; i++)
            {
                for (int r = tileStart; r < tileEnd; r++)
                {
                    y[(nint)i * rows + r] = quantDot(w.Data + (nint)r * rowBytes, x.QuantRow(i), x.ScaleRow(i), x.SumRow(i), x.ScaledSumRow(i), blocks);
                }
            }
        }
    }

    private static void ValidateColumns(in WeightMatrix w, Activations x)
    {
        if (x.Cols != w.Cols)
        {
            throw new ArgumentException($"Activations have {x.Cols} columns but the weights have {w.Cols}.", nameof(x));
        }
    }

    private static void Validate(in WeightMatrix w, Activations x, Span<float> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ValidateColumns(w, x);
        long needed = (long)x.Count * w.Rows;
        if (y.Length < needed)
        {
            throw new ArgumentException($"Output needs {needed} floats ({x.Count} x {w.Rows}); got {y.Length}.", nameof(y));
        }
    }

    private readonly struct MultiplyWork(WeightMatrix w, Activations x, float* y, ComputePool pool) : IComputeWork
    {
        private readonly KernelTable _kernels = KernelDispatch.Table;

        public void Execute(int threadIndex, int threadCount)
        {
            var pieces = WorkPieces.ForRows(pool, w.Rows, x.Count, threadIndex, threadCount);
            while (pieces.Next(out int start, out int end))
            {
                MultiplyRange(w, x, y, start, end, _kernels);
            }
        }
    }
}

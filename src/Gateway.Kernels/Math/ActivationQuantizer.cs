using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Gateway.Kernels;

/// <summary>
/// fp32 -> int8 blocks of 32 (Q8_0 arithmetic, but with a float scale: the scale is never stored, so fp16 rounding
/// would only add error), written in both forms the kernels read: the row-major blocks of the row kernels and the
/// row's slot in its GEMM tile (<see cref="PackedLayout"/>). Runs for every product's input rows, several times per
/// layer, so it is vectorized to the widest registers: at batch 16 it was a few percent of a decode step.
/// </summary>
internal static unsafe class ActivationQuantizer
{
    /// <summary>
    /// Quantizes one row of <paramref name="cols"/> floats. <paramref name="tileQuants"/>, <paramref name="tileScales"/>
    /// and <paramref name="tileSums"/> point at the row's slot in the first block of its tile.
    /// </summary>
    public static void QuantizeRow(
        float* x, int cols, sbyte* quants, float* scales, int* sums, float* scaledSums, sbyte* tileQuants, float* tileScales, int* tileSums)
    {
        int blocks = cols / BlockLayout.Qk;
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
        {
            QuantizeRow512(x, blocks, quants, scales, sums, scaledSums, tileQuants, tileScales, tileSums);
            return;
        }

        int* byColumn = stackalloc int[8];
        for (int b = 0; b < blocks; b++)
        {
            float* xb = x + b * BlockLayout.Qk;
            sbyte* qb = quants + b * BlockLayout.Qk;
            float d = MaxAbs(xb) / 127;
            float id = d != 0 ? 1.0f / d : 0.0f;
            _ = Vector256.IsHardwareAccelerated ? RoundBlockVector(xb, id, qb) : RoundBlockScalar(xb, id, qb);
            SumByColumn(qb, byColumn);

            int low = byColumn[0] + byColumn[1], high = byColumn[2] + byColumn[3];
            int lowSecond = byColumn[4] + byColumn[5], highSecond = byColumn[6] + byColumn[7];
            int sum = low + high + lowSecond + highSecond;
            scales[b] = d;
            sums[b] = sum;
            scaledSums[b] = d * sum;

            // The row's slot of the tile: each quad next to the other tokens' same quad, then scale, sums, lane offsets.
            int* quads = (int*)qb;
            int* slotQuads = (int*)(tileQuants + (nint)b * PackedLayout.TileBlockBytes);
            for (int q = 0; q < BlockLayout.Qk / 4; q++)
            {
                slotQuads[q * PackedLayout.TileTokens] = quads[q];
            }

            tileScales[b * PackedLayout.TileTokens] = d;
            int* slotSums = tileSums + (b * PackedLayout.TileSumInts);
            slotSums[0] = sum;
            slotSums[PackedLayout.Q4_0LaneOffsets] = LaneOffset(PackedLayout.Q4_0Offset, low + lowSecond, high + highSecond);
            slotSums[PackedLayout.Q6_KLaneOffsets] = LaneOffset(PackedLayout.Q6_KOffset, low, high);
            slotSums[PackedLayout.Q6_KLaneOffsets + PackedLayout.TileTokens] = LaneOffset(PackedLayout.Q6_KOffset, lowSecond, highSecond);
        }
    }

    /// <summary>Whether <see cref="QuantizeTile"/> runs here (it needs AVX-512 BW).</summary>
    public static bool QuantizesWholeTiles => Vector512.IsHardwareAccelerated && Avx512BW.IsSupported;

    /// <summary>
    /// <see cref="QuantizeRow"/> for the <see cref="PackedLayout.TileTokens"/> rows of one whole tile, giving the same
    /// bytes. Row by row, each block's 8 tile quads, scale and four sums were scattered 4 bytes at a time, and the
    /// sums were folded out of registers one lane at a time: about 110 instructions per row and block, 5-6 % of a
    /// batch-16 decode step. A whole tile instead rounds each row into its row-major form, then builds every block of
    /// the tile form from the 8 rows at once: an 8x8 transpose of quads in registers, the sums from vpmaddubsw in the
    /// lane-offset layout itself, and full-width stores. Rows are at stride <paramref name="cols"/> (floats, quants) and
    /// <c>cols / 32</c> (scales, sums, scaled sums); the tile pointers are the tile's first block.
    /// </summary>
    public static void QuantizeTile(
        float* x, int cols, sbyte* quants, float* scales, int* sums, float* scaledSums, sbyte* tileQuants, float* tileScales, int* tileSums)
    {
        if (!QuantizesWholeTiles)
        {
            throw new PlatformNotSupportedException("Whole-tile quantization needs AVX-512 BW.");
        }

        int blocks = cols / BlockLayout.Qk;
        for (int r = 0; r < PackedLayout.TileTokens; r++)
        {
            RoundRow512(x + ((nint)r * cols), blocks, quants + ((nint)r * cols), scales + (r * blocks));
        }

        int* totals = stackalloc int[PackedLayout.TileTokens];
        float* scaled = stackalloc float[PackedLayout.TileTokens];
        var transposeLow = Vector512.Create(0, 8, 16, 24, 1, 9, 17, 25, 2, 10, 18, 26, 3, 11, 19, 27);
        var transposeHigh = transposeLow + Vector512.Create(4);
        var gatherLow = Vector512.Create(0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);
        var gatherHigh = gatherLow + Vector512.Create(8);
        var ones = Vector512.Create((byte)1);
        for (int b = 0; b < blocks; b++)
        {
            // Row t's 8 quads (32 bytes) side by side with row t + 1's: four registers of two rows each.
            sbyte* q = quants + (b * BlockLayout.Qk);
            var rows01 = Vector512.Create(Vector256.Load((int*)q), Vector256.Load((int*)(q + cols)));
            var rows23 = Vector512.Create(Vector256.Load((int*)(q + (2 * cols))), Vector256.Load((int*)(q + (3 * cols))));
            var rows45 = Vector512.Create(Vector256.Load((int*)(q + (4 * cols))), Vector256.Load((int*)(q + (5 * cols))));
            var rows67 = Vector512.Create(Vector256.Load((int*)(q + (6 * cols))), Vector256.Load((int*)(q + (7 * cols))));

            // Quads 0-3, then 4-7, of rows 0-3 (quad-major, 4 rows per quad), then the same for rows 4-7.
            var low03 = Avx512F.PermuteVar16x32x2(rows01, transposeLow, rows23);
            var high03 = Avx512F.PermuteVar16x32x2(rows01, transposeHigh, rows23);
            var low47 = Avx512F.PermuteVar16x32x2(rows45, transposeLow, rows67);
            var high47 = Avx512F.PermuteVar16x32x2(rows45, transposeHigh, rows67);

            // The tile block: quad k's 8 rows, for quads 0-7 (two per register).
            var quads01 = Avx512F.PermuteVar16x32x2(low03, gatherLow, low47);
            var quads23 = Avx512F.PermuteVar16x32x2(low03, gatherHigh, low47);
            var quads45 = Avx512F.PermuteVar16x32x2(high03, gatherLow, high47);
            var quads67 = Avx512F.PermuteVar16x32x2(high03, gatherHigh, high47);
            int* tq = (int*)(tileQuants + ((nint)b * PackedLayout.TileBlockBytes));
            quads01.Store(tq);
            quads23.Store(tq + 16);
            quads45.Store(tq + 32);
            quads67.Store(tq + 48);

            // Each 32-bit lane's pair sums (columns 4k + 0, 1 in its low int16, 4k + 2, 3 in its high) are the halves
            // of a lane offset; summed over the quads of columns 0-15 and of 16-31, per row.
            var first = Avx512BW.MultiplyAddAdjacent(ones, quads01.AsSByte()) + Avx512BW.MultiplyAddAdjacent(ones, quads23.AsSByte());
            var second = Avx512BW.MultiplyAddAdjacent(ones, quads45.AsSByte()) + Avx512BW.MultiplyAddAdjacent(ones, quads67.AsSByte());
            var firstHalf = first.GetLower() + first.GetUpper();
            var secondHalf = second.GetLower() + second.GetUpper();
            var both = firstHalf + secondHalf;
            var total = Avx2.MultiplyAddAdjacent(both, Vector256<short>.One);
            int* ts = tileSums + (b * PackedLayout.TileSumInts);
            total.Store(ts);
            (both * (short)-PackedLayout.Q4_0Offset).AsInt32().Store(ts + PackedLayout.Q4_0LaneOffsets);
            (firstHalf * (short)-PackedLayout.Q6_KOffset).AsInt32().Store(ts + PackedLayout.Q6_KLaneOffsets);
            (secondHalf * (short)-PackedLayout.Q6_KOffset).AsInt32().Store(ts + PackedLayout.Q6_KLaneOffsets + PackedLayout.TileTokens);

            float* s = scales + b;
            var d = Vector256.Create(s[0], s[blocks], s[2 * blocks], s[3 * blocks], s[4 * blocks], s[5 * blocks], s[6 * blocks], s[7 * blocks]);
            d.Store(tileScales + (b * PackedLayout.TileTokens));
            total.Store(totals);
            (d * Vector256.ConvertToSingle(total)).Store(scaled);
            for (int t = 0; t < PackedLayout.TileTokens; t++)
            {
                sums[(t * blocks) + b] = totals[t];
                scaledSums[(t * blocks) + b] = scaled[t];
            }
        }
    }

    /// <summary>
    /// One row's scales and row-major quants on 512-bit registers (the first half of <see cref="QuantizeTile"/>): the
    /// scales as <see cref="QuantizeRow512"/> computes them, then each block rounded by vcvtps2dq, whose default
    /// rounding is half to even, as the scalar path's.
    /// </summary>
    [SkipLocalsInit] // its scratch is written before it is read; zeroing 2 KiB of it per row showed in decode profiles
    private static void RoundRow512(float* x, int blocks, sbyte* quants, float* scales)
    {
        float* runScales = stackalloc float[ScaleRun];
        float* runInverses = stackalloc float[ScaleRun];
        for (int first = 0; first < blocks; first += ScaleRun)
        {
            int count = Math.Min(ScaleRun, blocks - first);
            BlockScales(x + (first * BlockLayout.Qk), count, runScales, runInverses);
            new ReadOnlySpan<float>(runScales, count).CopyTo(new Span<float>(scales + first, count));
            for (int i = 0; i < count; i++)
            {
                float* xb = x + ((first + i) * BlockLayout.Qk);
                var inverse = Vector512.Create(runInverses[i]);
                var q0 = Avx512F.ConvertToVector512Int32(Vector512.Load(xb) * inverse);
                var q1 = Avx512F.ConvertToVector512Int32(Vector512.Load(xb + 16) * inverse);
                // One 32-byte store: the tile pass reloads the block as one 32-byte load, which a pair of 16-byte
                // stores still in flight could not forward.
                Vector256.Create(Avx512F.ConvertToVector128SByte(q0), Avx512F.ConvertToVector128SByte(q1)).Store(quants + ((first + i) * BlockLayout.Qk));
            }
        }
    }

    /// <summary>Blocks whose scales the 512-bit path computes at a time (two stack arrays of this many floats).</summary>
    private const int ScaleRun = 256;

    /// <summary>
    /// The row on 512-bit registers, a run of blocks at a time: first every block's scale (max |x| / 127) and
    /// reciprocal (0 for an all-zero block), 16 blocks per division, then each block rounded and written to both
    /// forms from registers. Written block by block through memory instead (bytes and column sums stored, then read
    /// back as scalars, one store-to-load forward per value) a block took about 50 cycles; this way about 30. Same
    /// IEEE divisions, products and half-to-even rounding as the scalar path, so the same int8 form.
    /// </summary>
    [SkipLocalsInit] // its scratch is written before it is read; zeroing 2 KiB of it per row showed in decode profiles
    private static void QuantizeRow512(
        float* x, int blocks, sbyte* quants, float* scales, int* sums, float* scaledSums, sbyte* tileQuants, float* tileScales, int* tileSums)
    {
        float* runScales = stackalloc float[ScaleRun];
        float* runInverses = stackalloc float[ScaleRun];
        for (int first = 0; first < blocks; first += ScaleRun)
        {
            int count = Math.Min(ScaleRun, blocks - first);
            BlockScales(x + (first * BlockLayout.Qk), count, runScales, runInverses);
            for (int i = 0; i < count; i++)
            {
                int b = first + i;
                RoundBlockToTile512(
                    x + (b * BlockLayout.Qk), runScales[i], runInverses[i], quants + (b * BlockLayout.Qk), scales + b, sums + b, scaledSums + b,
                    (int*)(tileQuants + ((nint)b * PackedLayout.TileBlockBytes)), tileScales + (b * PackedLayout.TileTokens), tileSums + (b * PackedLayout.TileSumInts));
            }
        }
    }

    /// <summary>
    /// Scales (max |x| / 127) and reciprocals (0 for an all-zero block) of <paramref name="count"/> blocks (at most
    /// <see cref="ScaleRun"/>), 16 blocks per division; both arrays hold <see cref="ScaleRun"/> floats. Each run of 16
    /// blocks' maxima is folded into one register by a tree of two-register permutes rather than each block reduced
    /// alone and stored: 16 single-float stores read back as one vector cannot be forwarded and stalled every run.
    /// </summary>
    private static void BlockScales(float* x, int count, float* runScales, float* runInverses)
    {
        var zero = Vector512<float>.Zero;
        for (int i = 0; i < count; i += 16)
        {
            float* xb = x + (i * BlockLayout.Qk);
            int n = count - i;
            var d = FoldMaxima(
                BlockMax(xb, 0, n), BlockMax(xb, 1, n), BlockMax(xb, 2, n), BlockMax(xb, 3, n), BlockMax(xb, 4, n), BlockMax(xb, 5, n), BlockMax(xb, 6, n), BlockMax(xb, 7, n),
                BlockMax(xb, 8, n), BlockMax(xb, 9, n), BlockMax(xb, 10, n), BlockMax(xb, 11, n), BlockMax(xb, 12, n), BlockMax(xb, 13, n), BlockMax(xb, 14, n), BlockMax(xb, 15, n))
                / Vector512.Create(127f);
            d.Store(runScales + i);
            Vector512.ConditionalSelect(Vector512.Equals(d, zero), zero, Vector512<float>.One / d).Store(runInverses + i);
        }
    }

    /// <summary>|x| lane-wise over block <paramref name="j"/>'s two halves; zeros past the <paramref name="n"/> blocks there are.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> BlockMax(float* x, int j, int n) =>
        j < n ? Avx512F.Max(Vector512.Abs(Vector512.Load(x + (j * BlockLayout.Qk))), Vector512.Abs(Vector512.Load(x + (j * BlockLayout.Qk) + 16))) : Vector512<float>.Zero;

    /// <summary>Lane j of the result is the largest lane of register vj (16 registers in, one out, 15 folds).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> FoldMaxima(
        Vector512<float> v0, Vector512<float> v1, Vector512<float> v2, Vector512<float> v3, Vector512<float> v4, Vector512<float> v5, Vector512<float> v6, Vector512<float> v7,
        Vector512<float> v8, Vector512<float> v9, Vector512<float> v10, Vector512<float> v11, Vector512<float> v12, Vector512<float> v13, Vector512<float> v14, Vector512<float> v15)
    {
        // Each level halves the lanes kept per register and pairs registers: 8 lanes each of 2 registers, then 4 of
        // 4, 2 of 8, 1 of 16, always in register order.
        var low8 = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
        var low4 = Vector512.Create(0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27);
        var low2 = Vector512.Create(0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24, 25, 28, 29);
        var low1 = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        var w0 = Fold(v0, v1, low8, 8);
        var w1 = Fold(v2, v3, low8, 8);
        var w2 = Fold(v4, v5, low8, 8);
        var w3 = Fold(v6, v7, low8, 8);
        var w4 = Fold(v8, v9, low8, 8);
        var w5 = Fold(v10, v11, low8, 8);
        var w6 = Fold(v12, v13, low8, 8);
        var w7 = Fold(v14, v15, low8, 8);
        var x0 = Fold(w0, w1, low4, 4);
        var x1 = Fold(w2, w3, low4, 4);
        var x2 = Fold(w4, w5, low4, 4);
        var x3 = Fold(w6, w7, low4, 4);
        return Fold(Fold(x0, x1, low2, 2), Fold(x2, x3, low2, 2), low1, 1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Fold(Vector512<float> a, Vector512<float> b, Vector512<int> low, int width) =>
        Avx512F.Max(Avx512F.PermuteVar16x32x2(a, low, b), Avx512F.PermuteVar16x32x2(a, low + Vector512.Create(width), b));

    /// <summary>Rounds one block with its scale and reciprocal and writes it to both forms (see <see cref="QuantizeRow512"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RoundBlockToTile512(
        float* xb, float d, float id, sbyte* qb, float* scale, int* sum, float* scaledSum, int* slotQuads, float* slotScale, int* slotSums)
    {
        var inverse = Vector512.Create(id);
        var q0 = Vector512.ConvertToInt32(Vector512.Round(Vector512.Load(xb) * inverse));
        var q1 = Vector512.ConvertToInt32(Vector512.Round(Vector512.Load(xb + 16) * inverse));
        var bytes0 = Avx512F.ConvertToVector128SByte(q0);
        var bytes1 = Avx512F.ConvertToVector128SByte(q1);
        bytes0.Store(qb);
        bytes1.Store(qb + 16);

        // Lane i of the folds: the sum of columns 4k + i of the first 16 columns, then of the last 16.
        var folded0 = q0.GetLower() + q0.GetUpper();
        var folded1 = q1.GetLower() + q1.GetUpper();
        var first = folded0.GetLower() + folded0.GetUpper();
        var second = folded1.GetLower() + folded1.GetUpper();
        int low = first.ToScalar() + first.GetElement(1), high = first.GetElement(2) + first.GetElement(3);
        int lowSecond = second.ToScalar() + second.GetElement(1), highSecond = second.GetElement(2) + second.GetElement(3);
        int total = low + high + lowSecond + highSecond;
        *scale = d;
        *sum = total;
        *scaledSum = d * total;

        var quads0 = bytes0.AsInt32();
        var quads1 = bytes1.AsInt32();
        slotQuads[0] = quads0.ToScalar();
        slotQuads[PackedLayout.TileTokens] = quads0.GetElement(1);
        slotQuads[2 * PackedLayout.TileTokens] = quads0.GetElement(2);
        slotQuads[3 * PackedLayout.TileTokens] = quads0.GetElement(3);
        slotQuads[4 * PackedLayout.TileTokens] = quads1.ToScalar();
        slotQuads[5 * PackedLayout.TileTokens] = quads1.GetElement(1);
        slotQuads[6 * PackedLayout.TileTokens] = quads1.GetElement(2);
        slotQuads[7 * PackedLayout.TileTokens] = quads1.GetElement(3);
        *slotScale = d;
        slotSums[0] = total;
        slotSums[PackedLayout.Q4_0LaneOffsets] = LaneOffset(PackedLayout.Q4_0Offset, low + lowSecond, high + highSecond);
        slotSums[PackedLayout.Q6_KLaneOffsets] = LaneOffset(PackedLayout.Q6_KOffset, low, high);
        slotSums[PackedLayout.Q6_KLaneOffsets + PackedLayout.TileTokens] = LaneOffset(PackedLayout.Q6_KOffset, lowSecond, highSecond);
    }

    /// <summary>A lane offset (see <see cref="PackedLayout.TileSumInts"/>) from the sums of a lane's two halves.</summary>
    internal static int LaneOffset(int offset, int low, int high) => (ushort)(short)(-offset * low) | ((-offset * high) << 16);

    // Both paths round half to even, so every machine produces the same int8 activations. (ggml's roundf rounds
    // halves away from zero; these values are never stored, so only consistency matters.)
    internal static int RoundBlockScalar(float* xb, float id, sbyte* qb)
    {
        int sum = 0;
        for (int j = 0; j < BlockLayout.Qk; j++)
        {
            int q = (int)MathF.Round(xb[j] * id);
            qb[j] = (sbyte)q;
            sum += q;
        }

        return sum;
    }

    internal static int RoundBlockVector(float* xb, float id, sbyte* qb)
    {
        var scale = Vector256.Create(id);
        var q0 = Vector256.ConvertToInt32(Vector256.Round(Vector256.Load(xb) * scale));
        var q1 = Vector256.ConvertToInt32(Vector256.Round(Vector256.Load(xb + 8) * scale));
        var q2 = Vector256.ConvertToInt32(Vector256.Round(Vector256.Load(xb + 16) * scale));
        var q3 = Vector256.ConvertToInt32(Vector256.Round(Vector256.Load(xb + 24) * scale));
        // |q| <= 127, so narrowing (which keeps element order) loses nothing.
        Vector256.Narrow(Vector256.Narrow(q0, q1), Vector256.Narrow(q2, q3)).Store(qb);
        return Vector256.Sum((q0 + q1) + (q2 + q3));
    }

    /// <summary>The quant sums of columns 4k + i (i = 0..3) of the block's first 16 columns, then of its last 16.</summary>
    private static void SumByColumn(sbyte* qb, int* byColumn)
    {
        for (int i = 0; i < 8; i++)
        {
            byColumn[i] = 0;
        }

        for (int j = 0; j < BlockLayout.Qk; j++)
        {
            byColumn[(j / 16 * 4) + (j % 4)] += qb[j];
        }
    }

    private static float MaxAbs(float* xb)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            var m = Vector256.Max(
                Vector256.Max(Vector256.Abs(Vector256.Load(xb)), Vector256.Abs(Vector256.Load(xb + 8))),
                Vector256.Max(Vector256.Abs(Vector256.Load(xb + 16)), Vector256.Abs(Vector256.Load(xb + 24))));
            var h = Vector128.Max(m.GetLower(), m.GetUpper());
            float r = 0;
            for (int i = 0; i < 4; i++) r = MathF.Max(r, h.GetElement(i));
            return r;
        }

        float amax = 0;
        for (int j = 0; j < BlockLayout.Qk; j++) amax = MathF.Max(amax, MathF.Abs(xb[j]));
        return amax;
    }
}

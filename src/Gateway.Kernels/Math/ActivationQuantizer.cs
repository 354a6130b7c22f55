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

    /// <summary>Blocks whose scales the 512-bit path computes at a time (two stack arrays of this many floats).</summary>
    private const int ScaleRun = 256;

    /// <summary>
    /// The row on 512-bit registers, a run of blocks at a time: first every block's scale (max |x| / 127) and
    /// reciprocal (0 for an all-zero block), 16 blocks per division, then each block rounded and written to both
    /// forms from registers. Written block by block through memory instead (bytes and column sums stored, then read
    /// back as scalars, one store-to-load forward per value) a block took about 50 cycles; this way about 30. Same
    /// IEEE divisions, products and half-to-even rounding as the scalar path, so the same int8 form.
    /// </summary>
    private static void QuantizeRow512(
        float* x, int blocks, sbyte* quants, float* scales, int* sums, float* scaledSums, sbyte* tileQuants, float* tileScales, int* tileSums)
    {
        float* runScales = stackalloc float[ScaleRun];
        float* runInverses = stackalloc float[ScaleRun];
        for (int first = 0; first < blocks; first += ScaleRun)
        {
            int count = Math.Min(ScaleRun, blocks - first);
            for (int i = 0; i < count; i++)
            {
                runScales[i] = MaxAbs512(x + ((first + i) * BlockLayout.Qk));
            }

            for (int i = count; i < RoundUp16(count); i++)
            {
                runScales[i] = 0;
            }

            var zero = Vector512<float>.Zero;
            for (int i = 0; i < count; i += 16)
            {
                var d = Vector512.Load(runScales + i) / Vector512.Create(127f);
                d.Store(runScales + i);
                Vector512.ConditionalSelect(Vector512.Equals(d, zero), zero, Vector512<float>.One / d).Store(runInverses + i);
            }

            for (int i = 0; i < count; i++)
            {
                int b = first + i;
                RoundBlockToTile512(
                    x + (b * BlockLayout.Qk), runScales[i], runInverses[i], quants + (b * BlockLayout.Qk), scales + b, sums + b, scaledSums + b,
                    (int*)(tileQuants + ((nint)b * PackedLayout.TileBlockBytes)), tileScales + (b * PackedLayout.TileTokens), tileSums + (b * PackedLayout.TileSumInts));
            }
        }
    }

    private static int RoundUp16(int n) => (n + 15) & ~15;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float MaxAbs512(float* xb)
    {
        var m512 = Avx512F.Max(Vector512.Abs(Vector512.Load(xb)), Vector512.Abs(Vector512.Load(xb + 16)));
        var m256 = Avx.Max(m512.GetLower(), m512.GetUpper());
        var m128 = Sse.Max(m256.GetLower(), m256.GetUpper());
        m128 = Sse.Max(m128, Sse.Shuffle(m128, m128, 0b_01_00_11_10));
        return Sse.MaxScalar(m128, Sse.Shuffle(m128, m128, 0b_10_11_00_01)).ToScalar();
    }

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

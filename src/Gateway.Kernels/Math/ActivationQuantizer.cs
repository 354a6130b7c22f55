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
        int* byColumn = stackalloc int[8];
        for (int b = 0; b < blocks; b++)
        {
            float* xb = x + b * BlockLayout.Qk;
            sbyte* qb = quants + b * BlockLayout.Qk;
            float d;
            if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
            {
                d = QuantizeBlock512(xb, qb, byColumn);
            }
            else
            {
                float amax = MaxAbs(xb);
                d = amax / 127;
                float id = d != 0 ? 1.0f / d : 0.0f;
                _ = Vector256.IsHardwareAccelerated ? RoundBlockVector(xb, id, qb) : RoundBlockScalar(xb, id, qb);
                SumByColumn(qb, byColumn);
            }

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

    /// <summary>
    /// One block on 512-bit registers: the same scale, reciprocal and half-to-even rounding as the other paths, so the
    /// same quants. <paramref name="byColumn"/> gets the quant sums of columns 4k + i of the first 16 columns (i = 0..3),
    /// then of the last 16.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float QuantizeBlock512(float* xb, sbyte* qb, int* byColumn)
    {
        var v0 = Vector512.Load(xb);
        var v1 = Vector512.Load(xb + 16);
        var m512 = Avx512F.Max(Vector512.Abs(v0), Vector512.Abs(v1));
        var m256 = Avx.Max(m512.GetLower(), m512.GetUpper());
        var m128 = Sse.Max(m256.GetLower(), m256.GetUpper());
        m128 = Sse.Max(m128, Sse.Shuffle(m128, m128, 0b_01_00_11_10));
        float amax = Sse.MaxScalar(m128, Sse.Shuffle(m128, m128, 0b_10_11_00_01)).ToScalar();
        float d = amax / 127;
        float id = d != 0 ? 1.0f / d : 0.0f;
        var scale = Vector512.Create(id);
        var q0 = Vector512.ConvertToInt32(Vector512.Round(v0 * scale));
        var q1 = Vector512.ConvertToInt32(Vector512.Round(v1 * scale));

        // |q| <= 127: the truncating narrow loses nothing.
        Avx512F.ConvertToVector128SByte(q0).Store(qb);
        Avx512F.ConvertToVector128SByte(q1).Store(qb + 16);

        // Folding halves keeps a lane's column modulo 4, which is all that decides its half of a kernel lane: after two
        // folds lane i holds the sum of the columns 4k + i.
        var folded0 = q0.GetLower() + q0.GetUpper();
        var folded1 = q1.GetLower() + q1.GetUpper();
        (folded0.GetLower() + folded0.GetUpper()).Store(byColumn);
        (folded1.GetLower() + folded1.GetUpper()).Store(byColumn + 4);
        return d;
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

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
        for (int b = 0; b < blocks; b++)
        {
            float* xb = x + b * BlockLayout.Qk;
            sbyte* qb = quants + b * BlockLayout.Qk;
            int sum, low;
            float d;
            if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
            {
                (d, sum, low) = QuantizeBlock512(xb, qb);
            }
            else
            {
                float amax = MaxAbs(xb);
                d = amax / 127;
                float id = d != 0 ? 1.0f / d : 0.0f;
                sum = Vector256.IsHardwareAccelerated ? RoundBlockVector(xb, id, qb) : RoundBlockScalar(xb, id, qb);
                low = LowHalfSum(qb);
            }

            scales[b] = d;
            sums[b] = sum;
            scaledSums[b] = d * sum;

            // The row's slot of the tile: each quad next to the other tokens' same quad, then scale, sum, lane offset.
            int* quads = (int*)qb;
            int* slotQuads = (int*)(tileQuants + (nint)b * PackedLayout.TileBlockBytes);
            for (int q = 0; q < BlockLayout.Qk / 4; q++)
            {
                slotQuads[q * PackedLayout.TileTokens] = quads[q];
            }

            tileScales[b * PackedLayout.TileTokens] = d;
            tileSums[b * PackedLayout.TileSumInts] = sum;
            tileSums[(b * PackedLayout.TileSumInts) + PackedLayout.TileTokens] = Q4_0LaneOffset(low, sum - low);
        }
    }

    /// <summary>A block's Q4_0 lane offset (see <see cref="PackedLayout.TileSumInts"/>) from its two half sums.</summary>
    internal static int Q4_0LaneOffset(int low, int high) =>
        (ushort)(short)(-PackedLayout.Q4_0Offset * low) | ((-PackedLayout.Q4_0Offset * high) << 16);

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
    /// same quants; also the sum of the quants in columns 4k and 4k + 1 (the low half of a Q4_0 kernel lane).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (float Scale, int Sum, int LowHalfSum) QuantizeBlock512(float* xb, sbyte* qb)
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
        // folds lane k holds the sum of the columns 4j + k.
        var both = q0 + q1;
        var folded = both.GetLower() + both.GetUpper();
        var byColumn = folded.GetLower() + folded.GetUpper();
        int low = byColumn.GetElement(0) + byColumn.GetElement(1);
        return (d, low + byColumn.GetElement(2) + byColumn.GetElement(3), low);
    }

    /// <summary>Sum of a block's quants in columns 4k and 4k + 1.</summary>
    private static int LowHalfSum(sbyte* qb)
    {
        int low = 0;
        for (int j = 0; j < BlockLayout.Qk; j += 4)
        {
            low += qb[j] + qb[j + 1];
        }

        return low;
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

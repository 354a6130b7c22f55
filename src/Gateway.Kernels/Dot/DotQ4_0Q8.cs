using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Gateway.Kernels;

/// <summary>
/// Q4_0 weight row x int8 activation row. The nibbles are unsigned 0..15, so they feed u8 x s8 multiply-add
/// directly; their -8 offset is folded in per block as -8 * (sum of the activation quants), exactly, in int32.
/// </summary>
internal static unsafe class DotQ4_0Q8
{
    /// <summary>The reference: ggml's vec_dot_q4_0_q8_0 arithmetic, one block at a time.</summary>
    public static float Scalar(byte* w, sbyte* xq, float* xd, int* xs, float* xsd, int blocks)
    {
        float sum = 0;
        for (int b = 0; b < blocks; b++, w += BlockLayout.Q4_0Bytes, xq += BlockLayout.Qk)
        {
            byte* qs = w + 2;
            int isum = 0;
            for (int j = 0; j < 16; j++)
            {
                isum += ((qs[j] & 0x0F) - 8) * xq[j] + ((qs[j] >> 4) - 8) * xq[j + 16];
            }

            sum += HalfTable.Read(w) * xd[b] * isum;
        }

        return sum;
    }

    public static float Avx2(byte* w, sbyte* xq, float* xd, int* xs, float* xsd, int blocks)
    {
        var acc0 = Vector256<float>.Zero;
        var acc1 = Vector256<float>.Zero;
        int b = 0;
        for (; b + 1 < blocks; b += 2)
        {
            acc0 = BlockAvx2(w + b * BlockLayout.Q4_0Bytes, xq + b * BlockLayout.Qk, xd[b], xs[b], acc0);
            acc1 = BlockAvx2(w + (b + 1) * BlockLayout.Q4_0Bytes, xq + (b + 1) * BlockLayout.Qk, xd[b + 1], xs[b + 1], acc1);
        }

        if (b < blocks)
        {
            acc0 = BlockAvx2(w + b * BlockLayout.Q4_0Bytes, xq + b * BlockLayout.Qk, xd[b], xs[b], acc0);
        }

        return Vector256.Sum(acc0 + acc1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> BlockAvx2(byte* bw, sbyte* bx, float dx, int sx, Vector256<float> acc)
    {
        var qs = Vector128.Load(bw + 2);
        var mask = Vector128.Create((byte)0x0F);
        var nibbles = Vector256.Create(qs & mask, Vector128.ShiftRightLogical(qs.AsUInt16(), 4).AsByte() & mask);
        var pairs = System.Runtime.Intrinsics.X86.Avx2.MultiplyAddAdjacent(nibbles, Vector256.Load(bx));
        var quads = System.Runtime.Intrinsics.X86.Avx2.MultiplyAddAdjacent(pairs, Vector256.Create((short)1));
        quads += Vector256.CreateScalar(-8 * sx);
        return Fma.MultiplyAdd(Avx.ConvertToVector256Single(quads), Vector256.Create(HalfTable.Read(bw) * dx), acc);
    }

    public static float Avx512(byte* w, sbyte* xq, float* xd, int* xs, float* xsd, int blocks)
    {
        var acc0 = Vector512<float>.Zero;
        var acc1 = Vector512<float>.Zero;
        int b = 0;
        for (; b + 3 < blocks; b += 4)
        {
            acc0 = PairAvx512(w + b * BlockLayout.Q4_0Bytes, xq + b * BlockLayout.Qk, xd + b, xs + b, acc0);
            acc1 = PairAvx512(w + (b + 2) * BlockLayout.Q4_0Bytes, xq + (b + 2) * BlockLayout.Qk, xd + b + 2, xs + b + 2, acc1);
        }

        for (; b + 1 < blocks; b += 2)
        {
            acc0 = PairAvx512(w + b * BlockLayout.Q4_0Bytes, xq + b * BlockLayout.Qk, xd + b, xs + b, acc0);
        }

        float sum = Vector512.Sum(acc0 + acc1);
        if (b < blocks)
        {
            sum += Vector256.Sum(BlockAvx2(w + b * BlockLayout.Q4_0Bytes, xq + b * BlockLayout.Qk, xd[b], xs[b], Vector256<float>.Zero));
        }

        return sum;
    }

    /// <summary>Two consecutive blocks in one 512-bit register: lanes 0-7 hold block b, lanes 8-15 block b+1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> PairAvx512(byte* bw, sbyte* bx, float* dx, int* sx, Vector512<float> acc)
    {
        var qs = Vector256.Create(Vector128.Load(bw + 2), Vector128.Load(bw + BlockLayout.Q4_0Bytes + 2));
        var mask = Vector256.Create((byte)0x0F);
        var lo = qs & mask;
        var hi = Vector256.ShiftRightLogical(qs.AsUInt16(), 4).AsByte() & mask;
        // [loA, loB, hiA, hiB] -> [loA, hiA, loB, hiB] to line up with the activations of blocks b and b+1.
        var nibbles = Avx512F.Shuffle4x128(Vector512.Create(lo, hi).AsUInt32(), Vector512.Create(lo, hi).AsUInt32(), 0xD8).AsByte();
        var pairs = Avx512BW.MultiplyAddAdjacent(nibbles, Vector512.Load(bx));
        var quads = Avx512BW.MultiplyAddAdjacent(pairs, Vector512.Create((short)1));
        quads += Vector512.Create(Vector256.CreateScalar(-8 * sx[0]), Vector256.CreateScalar(-8 * sx[1]));
        var scale = Vector512.Create(Vector256.Create(HalfTable.Read(bw) * dx[0]), Vector256.Create(HalfTable.Read(bw + BlockLayout.Q4_0Bytes) * dx[1]));
        return Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(quads), scale, acc);
    }
}

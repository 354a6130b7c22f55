using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Gateway.Kernels;

/// <summary>
/// Q4_1 weight row x int8 activation row: d * q + m per element, so the dot is d*dx*sum(q*qx) + m * (dx*sum(qx));
/// the second term uses the activation block's precomputed scaled sum.
/// </summary>
internal static unsafe class DotQ4_1Q8
{
    public static float Scalar(byte* w, sbyte* xq, float* xd, int* xs, float* xsd, int blocks)
    {
        float sum = 0;
        for (int b = 0; b < blocks; b++, w += BlockLayout.Q4_1Bytes, xq += BlockLayout.Qk)
        {
            byte* qs = w + 4;
            int isum = 0;
            for (int j = 0; j < 16; j++)
            {
                isum += (qs[j] & 0x0F) * xq[j] + (qs[j] >> 4) * xq[j + 16];
            }

            sum += HalfTable.Read(w) * xd[b] * isum + HalfTable.Read(w + 2) * xsd[b];
        }

        return sum;
    }

    public static float Avx2(byte* w, sbyte* xq, float* xd, int* xs, float* xsd, int blocks)
    {
        var acc = Vector256<float>.Zero;
        float minTerm = 0;
        for (int b = 0; b < blocks; b++, w += BlockLayout.Q4_1Bytes, xq += BlockLayout.Qk)
        {
            var qs = Vector128.Load(w + 4);
            var mask = Vector128.Create((byte)0x0F);
            var nibbles = Vector256.Create(qs & mask, Vector128.ShiftRightLogical(qs.AsUInt16(), 4).AsByte() & mask);
            var pairs = System.Runtime.Intrinsics.X86.Avx2.MultiplyAddAdjacent(nibbles, Vector256.Load(xq));
            var quads = System.Runtime.Intrinsics.X86.Avx2.MultiplyAddAdjacent(pairs, Vector256.Create((short)1));
            acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(quads), Vector256.Create(HalfTable.Read(w) * xd[b]), acc);
            minTerm += HalfTable.Read(w + 2) * xsd[b];
        }

        return Vector256.Sum(acc) + minTerm;
    }

    public static float Avx512(byte* w, sbyte* xq, float* xd, int* xs, float* xsd, int blocks)
    {
        var acc = Vector512<float>.Zero;
        float minTerm = 0;
        int b = 0;
        for (; b + 1 < blocks; b += 2, w += 2 * BlockLayout.Q4_1Bytes, xq += 2 * BlockLayout.Qk)
        {
            var qs = Vector256.Create(Vector128.Load(w + 4), Vector128.Load(w + BlockLayout.Q4_1Bytes + 4));
            var mask = Vector256.Create((byte)0x0F);
            var both = Vector512.Create(qs & mask, Vector256.ShiftRightLogical(qs.AsUInt16(), 4).AsByte() & mask).AsUInt32();
            var nibbles = Avx512F.Shuffle4x128(both, both, 0xD8).AsByte();
            var pairs = Avx512BW.MultiplyAddAdjacent(nibbles, Vector512.Load(xq));
            var quads = Avx512BW.MultiplyAddAdjacent(pairs, Vector512.Create((short)1));
            var scale = Vector512.Create(Vector256.Create(HalfTable.Read(w) * xd[b]), Vector256.Create(HalfTable.Read(w + BlockLayout.Q4_1Bytes) * xd[b + 1]));
            acc = Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(quads), scale, acc);
            minTerm += HalfTable.Read(w + 2) * xsd[b] + HalfTable.Read(w + BlockLayout.Q4_1Bytes + 2) * xsd[b + 1];
        }

        float sum = Vector512.Sum(acc) + minTerm;
        if (b < blocks)
        {
            sum += Scalar(w, xq, xd + b, xs + b, xsd + b, 1);
        }

        return sum;
    }
}

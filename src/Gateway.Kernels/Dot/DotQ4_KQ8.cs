using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Gateway.Kernels;

/// <summary>
/// Q4_K weight row x int8 activation row. Each 32-element sub-block has its own 6-bit scale and min and lines up
/// with one activation block, so the dot is sum over sub-blocks of d*sc*dx*sum(q*qx) - dmin*m*(dx*sum(qx)).
/// </summary>
internal static unsafe class DotQ4_KQ8
{
    private const int SubBlocks = BlockLayout.QkK / BlockLayout.Qk;

    public static float Scalar(byte* w, sbyte* xq, float* xd, int* xs, float* xsd, int blocks)
    {
        float sum = 0;
        for (int sb = 0; sb < blocks / SubBlocks; sb++, w += BlockLayout.Q4_KBytes)
        {
            float d = HalfTable.Read(w);
            float dmin = HalfTable.Read(w + 2);
            byte* scales = w + BlockLayout.Q4_KScalesOffset;
            for (int j = 0; j < SubBlocks; j++)
            {
                K4ScaleMin.Get(j, scales, out int sc, out int m);
                byte* q = w + BlockLayout.Q4_KQsOffset + 32 * (j / 2);
                int shift = 4 * (j & 1);
                int xb = sb * SubBlocks + j;
                sbyte* x = xq + xb * BlockLayout.Qk;
                int isum = 0;
                for (int l = 0; l < 32; l++)
                {
                    isum += ((q[l] >> shift) & 0xF) * x[l];
                }

                sum += d * sc * xd[xb] * isum - dmin * m * xsd[xb];
            }
        }

        return sum;
    }

    public static float Avx2(byte* w, sbyte* xq, float* xd, int* xs, float* xsd, int blocks)
    {
        var acc = Vector256<float>.Zero;
        float minTerm = 0;
        var mask = Vector256.Create((byte)0x0F);
        var ones = Vector256.Create((short)1);
        for (int sb = 0; sb < blocks / SubBlocks; sb++, w += BlockLayout.Q4_KBytes, xq += BlockLayout.QkK, xd += SubBlocks, xsd += SubBlocks)
        {
            float d = HalfTable.Read(w);
            float dmin = HalfTable.Read(w + 2);
            byte* scales = w + BlockLayout.Q4_KScalesOffset;
            byte* qs = w + BlockLayout.Q4_KQsOffset;
            float mins = 0;
            for (int chunk = 0; chunk < 4; chunk++)
            {
                K4ScaleMin.Get(2 * chunk, scales, out int sc0, out int m0);
                K4ScaleMin.Get(2 * chunk + 1, scales, out int sc1, out int m1);
                var q = Vector256.Load(qs + 32 * chunk);
                var lo = q & mask;
                var hi = Vector256.ShiftRightLogical(q.AsUInt16(), 4).AsByte() & mask;
                var p0 = System.Runtime.Intrinsics.X86.Avx2.MultiplyAddAdjacent(
                    System.Runtime.Intrinsics.X86.Avx2.MultiplyAddAdjacent(lo, Vector256.Load(xq + 64 * chunk)), ones);
                var p1 = System.Runtime.Intrinsics.X86.Avx2.MultiplyAddAdjacent(
                    System.Runtime.Intrinsics.X86.Avx2.MultiplyAddAdjacent(hi, Vector256.Load(xq + 64 * chunk + 32)), ones);
                acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(p0), Vector256.Create(d * sc0 * xd[2 * chunk]), acc);
                acc = Fma.MultiplyAdd(Avx.ConvertToVector256Single(p1), Vector256.Create(d * sc1 * xd[2 * chunk + 1]), acc);
                mins += m0 * xsd[2 * chunk] + m1 * xsd[2 * chunk + 1];
            }

            minTerm += dmin * mins;
        }

        return Vector256.Sum(acc) - minTerm;
    }

    public static float Avx512(byte* w, sbyte* xq, float* xd, int* xs, float* xsd, int blocks)
    {
        var acc = Vector512<float>.Zero;
        float minTerm = 0;
        var mask = Vector256.Create((byte)0x0F);
        var ones = Vector512.Create((short)1);
        for (int sb = 0; sb < blocks / SubBlocks; sb++, w += BlockLayout.Q4_KBytes, xq += BlockLayout.QkK, xd += SubBlocks, xsd += SubBlocks)
        {
            float d = HalfTable.Read(w);
            float dmin = HalfTable.Read(w + 2);
            byte* scales = w + BlockLayout.Q4_KScalesOffset;
            byte* qs = w + BlockLayout.Q4_KQsOffset;
            float mins = 0;
            for (int chunk = 0; chunk < 4; chunk++)
            {
                K4ScaleMin.Get(2 * chunk, scales, out int sc0, out int m0);
                K4ScaleMin.Get(2 * chunk + 1, scales, out int sc1, out int m1);
                var q = Vector256.Load(qs + 32 * chunk);
                // Low nibbles are sub-block 2*chunk, high nibbles 2*chunk+1: together the 64 activations at 64*chunk.
                var nibbles = Vector512.Create(q & mask, Vector256.ShiftRightLogical(q.AsUInt16(), 4).AsByte() & mask);
                var quads = Avx512BW.MultiplyAddAdjacent(Avx512BW.MultiplyAddAdjacent(nibbles, Vector512.Load(xq + 64 * chunk)), ones);
                var scale = Vector512.Create(Vector256.Create(d * sc0 * xd[2 * chunk]), Vector256.Create(d * sc1 * xd[2 * chunk + 1]));
                acc = Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(quads), scale, acc);
                mins += m0 * xsd[2 * chunk] + m1 * xsd[2 * chunk + 1];
            }

            minTerm += dmin * mins;
        }

        return Vector512.Sum(acc) - minTerm;
    }
}

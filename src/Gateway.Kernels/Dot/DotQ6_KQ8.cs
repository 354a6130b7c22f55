using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Gateway.Kernels;

/// <summary>
/// Q6_K weight row x int8 activation row. A 6-bit quant is a nibble of ql plus two bits of qh, stored unsigned
/// (0..63, offset 32); every 16 elements share a signed 8-bit scale. Per activation block the integer part is
/// sc0*sum16(q*qx) + sc1*sum16(q*qx) with q = u - 32; SIMD computes u*qx - 32*qx in int16 pairs, then multiplies by
/// the scales with vpmaddwd, so the -32 offset and the scales stay exact integers.
/// </summary>
internal static unsafe class DotQ6_KQ8
{
    private const int GroupsPerSuperBlock = BlockLayout.QkK / BlockLayout.Qk;

    public static float Scalar(byte* w, sbyte* xq, float* xd, int* xs, float* xsd, int blocks)
    {
        float sum = 0;
        for (int sb = 0; sb < blocks / GroupsPerSuperBlock; sb++, w += BlockLayout.Q6_KBytes)
        {
            float d = HalfTable.Read(w + BlockLayout.Q6_KDOffset);
            sbyte* sc = (sbyte*)(w + BlockLayout.Q6_KScalesOffset);
            for (int g = 0; g < GroupsPerSuperBlock; g++)
            {
                int half = g / 4, quarter = g % 4;
                byte* ql = w + 64 * half + 32 * (quarter & 1);
                byte* qh = w + BlockLayout.Q6_KQhOffset + 32 * half;
                int nibbleShift = 4 * (quarter >> 1), highShift = 2 * quarter;
                int xb = sb * GroupsPerSuperBlock + g;
                sbyte* x = xq + xb * BlockLayout.Qk;
                int sum0 = 0, sum1 = 0;
                for (int l = 0; l < 32; l++)
                {
                    int q = (((ql[l] >> nibbleShift) & 0xF) | (((qh[l] >> highShift) & 3) << 4)) - 32;
                    if (l < 16) sum0 += q * x[l];
                    else sum1 += q * x[l];
                }

                int isum = sc[8 * half + 2 * quarter] * sum0 + sc[8 * half + 2 * quarter + 1] * sum1;
                sum += d * xd[xb] * isum;
            }
        }

        return sum;
    }

    public static float Avx2(byte* w, sbyte* xq, float* xd, int* xs, float* xsd, int blocks)
    {
        var acc = Vector256<float>.Zero;
        for (int sb = 0; sb < blocks / GroupsPerSuperBlock; sb++, w += BlockLayout.Q6_KBytes)
        {
            float d = HalfTable.Read(w + BlockLayout.Q6_KDOffset);
            sbyte* sc = (sbyte*)(w + BlockLayout.Q6_KScalesOffset);
            for (int half = 0; half < 2; half++)
            {
                var ql0 = Vector256.Load(w + 64 * half);
                var ql1 = Vector256.Load(w + 64 * half + 32);
                var qh = Vector256.Load(w + BlockLayout.Q6_KQhOffset + 32 * half);
                int g = sb * GroupsPerSuperBlock + 4 * half;
                sbyte* s = sc + 8 * half;
                acc = GroupAvx2(ql0, qh, 0, 0, xq + g * BlockLayout.Qk, s[0], s[1], d * xd[g], acc);
                acc = GroupAvx2(ql1, qh, 0, 2, xq + (g + 1) * BlockLayout.Qk, s[2], s[3], d * xd[g + 1], acc);
                acc = GroupAvx2(ql0, qh, 4, 4, xq + (g + 2) * BlockLayout.Qk, s[4], s[5], d * xd[g + 2], acc);
                acc = GroupAvx2(ql1, qh, 4, 6, xq + (g + 3) * BlockLayout.Qk, s[6], s[7], d * xd[g + 3], acc);
            }
        }

        return Vector256.Sum(acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> GroupAvx2(
        Vector256<byte> ql, Vector256<byte> qh, byte nibbleShift, byte highShift, sbyte* x, int sc0, int sc1, float scale, Vector256<float> acc)
    {
        var low = Vector256.ShiftRightLogical(ql.AsUInt16(), nibbleShift).AsByte() & Vector256.Create((byte)0x0F);
        var high = Vector256.ShiftLeft(Vector256.ShiftRightLogical(qh.AsUInt16(), highShift) & Vector256.Create((ushort)0x0303), 4).AsByte();
        var xv = Vector256.Load(x);
        var pairs = System.Runtime.Intrinsics.X86.Avx2.MultiplyAddAdjacent(low | high, xv)
            - System.Runtime.Intrinsics.X86.Avx2.MultiplyAddAdjacent(Vector256.Create((byte)32), xv);
        var scales = Vector256.Create(Vector128.Create((short)sc0), Vector128.Create((short)sc1));
        var quads = System.Runtime.Intrinsics.X86.Avx2.MultiplyAddAdjacent(pairs, scales);
        return Fma.MultiplyAdd(Avx.ConvertToVector256Single(quads), Vector256.Create(scale), acc);
    }

    public static float Avx512(byte* w, sbyte* xq, float* xd, int* xs, float* xsd, int blocks)
    {
        var acc = Vector512<float>.Zero;
        var lowIndex = Vector512.Create((short)0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
        var highIndex = lowIndex + Vector512.Create((short)4);
        var nibbleMask = Vector512.Create((byte)0x0F);
        var twoBits = Vector256.Create((ushort)0x0303);
        var offset = Vector512.Create((byte)32);
        for (int sb = 0; sb < blocks / GroupsPerSuperBlock; sb++, w += BlockLayout.Q6_KBytes)
        {
            float d = HalfTable.Read(w + BlockLayout.Q6_KDOffset);
            for (int half = 0; half < 2; half++)
            {
                int g = sb * GroupsPerSuperBlock + 4 * half;
                var ql = Vector512.Load(w + 64 * half);
                var qh = Vector256.Load(w + BlockLayout.Q6_KQhOffset + 32 * half).AsUInt16();
                var high01 = Vector512.Create(qh & twoBits, Vector256.ShiftRightLogical(qh, 2) & twoBits);
                var high23 = Vector512.Create(Vector256.ShiftRightLogical(qh, 4) & twoBits, Vector256.ShiftRightLogical(qh, 6) & twoBits);
                var u01 = (ql & nibbleMask) | Vector512.ShiftLeft(high01, 4).AsByte();
                var u23 = (Vector512.ShiftRightLogical(ql.AsUInt16(), 4).AsByte() & nibbleMask) | Vector512.ShiftLeft(high23, 4).AsByte();

                var scales8 = Sse41.ConvertToVector128Int16((sbyte*)(w + BlockLayout.Q6_KScalesOffset + 8 * half)).ToVector256Unsafe().ToVector512Unsafe();
                var x01 = Vector512.Load(xq + g * BlockLayout.Qk);
                var x23 = Vector512.Load(xq + (g + 2) * BlockLayout.Qk);
                var p01 = Avx512BW.MultiplyAddAdjacent(u01, x01) - Avx512BW.MultiplyAddAdjacent(offset, x01);
                var p23 = Avx512BW.MultiplyAddAdjacent(u23, x23) - Avx512BW.MultiplyAddAdjacent(offset, x23);
                var q01 = Avx512BW.MultiplyAddAdjacent(p01, Avx512BW.PermuteVar32x16(scales8, lowIndex));
                var q23 = Avx512BW.MultiplyAddAdjacent(p23, Avx512BW.PermuteVar32x16(scales8, highIndex));
                var s01 = Vector512.Create(Vector256.Create(d * xd[g]), Vector256.Create(d * xd[g + 1]));
                var s23 = Vector512.Create(Vector256.Create(d * xd[g + 2]), Vector256.Create(d * xd[g + 3]));
                acc = Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(q01), s01, acc);
                acc = Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(q23), s23, acc);
            }
        }

        return Vector512.Sum(acc);
    }
}

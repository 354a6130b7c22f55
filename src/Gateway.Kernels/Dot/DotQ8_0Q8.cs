using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Gateway.Kernels;

/// <summary>
/// Q8_0 weight row x int8 activation row. u8 x s8 multiply-add needs one unsigned side: AVX2 takes |w| and moves
/// w's sign onto x (vpsignb); AVX-512 has no vpsignb, so it negates x under a w &lt; 0 mask. (The XOR-0x80 trick
/// would overflow vpmaddubsw's int16 pairs; it only pays with VNNI, which .NET 10 exposes for 256 bits only.)
/// </summary>
internal static unsafe class DotQ8_0Q8
{
    public static float Scalar(byte* w, sbyte* xq, float* xd, int* xs, float* xsd, int blocks)
    {
        float sum = 0;
        for (int b = 0; b < blocks; b++, w += BlockLayout.Q8_0Bytes, xq += BlockLayout.Qk)
        {
            sbyte* qs = (sbyte*)(w + 2);
            int isum = 0;
            for (int j = 0; j < BlockLayout.Qk; j++)
            {
                isum += qs[j] * xq[j];
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
            acc0 = BlockAvx2(w + b * BlockLayout.Q8_0Bytes, xq + b * BlockLayout.Qk, xd[b], acc0);
            acc1 = BlockAvx2(w + (b + 1) * BlockLayout.Q8_0Bytes, xq + (b + 1) * BlockLayout.Qk, xd[b + 1], acc1);
        }

        if (b < blocks)
        {
            acc0 = BlockAvx2(w + b * BlockLayout.Q8_0Bytes, xq + b * BlockLayout.Qk, xd[b], acc0);
        }

        return Vector256.Sum(acc0 + acc1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> BlockAvx2(byte* bw, sbyte* bx, float dx, Vector256<float> acc)
    {
        var wv = Vector256.Load((sbyte*)(bw + 2));
        var pairs = System.Runtime.Intrinsics.X86.Avx2.MultiplyAddAdjacent(
            System.Runtime.Intrinsics.X86.Avx2.Abs(wv), System.Runtime.Intrinsics.X86.Avx2.Sign(Vector256.Load(bx), wv));
        var quads = System.Runtime.Intrinsics.X86.Avx2.MultiplyAddAdjacent(pairs, Vector256.Create((short)1));
        return Fma.MultiplyAdd(Avx.ConvertToVector256Single(quads), Vector256.Create(HalfTable.Read(bw) * dx), acc);
    }

    public static float Avx512(byte* w, sbyte* xq, float* xd, int* xs, float* xsd, int blocks)
    {
        var acc0 = Vector512<float>.Zero;
        var acc1 = Vector512<float>.Zero;
        int b = 0;
        for (; b + 3 < blocks; b += 4)
        {
            acc0 = PairAvx512(w + b * BlockLayout.Q8_0Bytes, xq + b * BlockLayout.Qk, xd + b, acc0);
            acc1 = PairAvx512(w + (b + 2) * BlockLayout.Q8_0Bytes, xq + (b + 2) * BlockLayout.Qk, xd + b + 2, acc1);
        }

        for (; b + 1 < blocks; b += 2)
        {
            acc0 = PairAvx512(w + b * BlockLayout.Q8_0Bytes, xq + b * BlockLayout.Qk, xd + b, acc0);
        }

        float sum = Vector512.Sum(acc0 + acc1);
        if (b < blocks)
        {
            sum += Vector256.Sum(BlockAvx2(w + b * BlockLayout.Q8_0Bytes, xq + b * BlockLayout.Qk, xd[b], Vector256<float>.Zero));
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> PairAvx512(byte* bw, sbyte* bx, float* dx, Vector512<float> acc)
    {
        var wv = Vector512.Create(Vector256.Load((sbyte*)(bw + 2)), Vector256.Load((sbyte*)(bw + BlockLayout.Q8_0Bytes + 2)));
        var xv = Vector512.Load(bx);
        var signedX = Vector512.ConditionalSelect(Vector512.LessThan(wv, Vector512<sbyte>.Zero), Vector512<sbyte>.Zero - xv, xv);
        var pairs = Avx512BW.MultiplyAddAdjacent(Avx512BW.Abs(wv), signedX);
        var quads = Avx512BW.MultiplyAddAdjacent(pairs, Vector512.Create((short)1));
        var scale = Vector512.Create(Vector256.Create(HalfTable.Read(bw) * dx[0]), Vector256.Create(HalfTable.Read(bw + BlockLayout.Q8_0Bytes) * dx[1]));
        return Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(quads), scale, acc);
    }
}

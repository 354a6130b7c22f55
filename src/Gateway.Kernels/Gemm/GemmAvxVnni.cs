using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Gateway.Kernels;

/// <summary>
/// Q4_0 and Q8_0 GEMM with 256-bit VPDPBUSD (AVX-VNNI): a group's 16 rows are two registers of 8 int32 lanes, each
/// lane summing four unsigned-weight x signed-activation products per instruction, started at -offset * (activation
/// block sum) so the lane ends at the exact signed block dot. Up to four tokens per pass (16 accumulators); a tile of
/// more takes a second pass with the same per-token arithmetic.
/// </summary>
internal static unsafe class GemmAvxVnni
{
    private const int PassTokens = 4;

    public static void Q4_0(byte* group, int blocks, sbyte* xq, float* xd, int* xs, int tokens, float* y, int yStride)
    {
        for (int t = 0; t < tokens; t += PassTokens)
        {
            switch (Math.Min(PassTokens, tokens - t))
            {
                case 1: Q4_0<Tokens1>(group, blocks, xq + 4 * t, xd + t, xs + t, y + t * yStride, yStride); break;
                case 2: Q4_0<Tokens2>(group, blocks, xq + 4 * t, xd + t, xs + t, y + t * yStride, yStride); break;
                case 3: Q4_0<Tokens3>(group, blocks, xq + 4 * t, xd + t, xs + t, y + t * yStride, yStride); break;
                default: Q4_0<Tokens4>(group, blocks, xq + 4 * t, xd + t, xs + t, y + t * yStride, yStride); break;
            }
        }
    }

    public static void Q8_0(byte* group, int blocks, sbyte* xq, float* xd, int* xs, int tokens, float* y, int yStride)
    {
        for (int t = 0; t < tokens; t += PassTokens)
        {
            switch (Math.Min(PassTokens, tokens - t))
            {
                case 1: Q8_0<Tokens1>(group, blocks, xq + 4 * t, xd + t, xs + t, y + t * yStride, yStride); break;
                case 2: Q8_0<Tokens2>(group, blocks, xq + 4 * t, xd + t, xs + t, y + t * yStride, yStride); break;
                case 3: Q8_0<Tokens3>(group, blocks, xq + 4 * t, xd + t, xs + t, y + t * yStride, yStride); break;
                default: Q8_0<Tokens4>(group, blocks, xq + 4 * t, xd + t, xs + t, y + t * yStride, yStride); break;
            }
        }
    }

    private static void Q4_0<TN>(byte* w, int blocks, sbyte* xq, float* xd, int* xs, float* y, int yStride)
        where TN : struct, ITokenCount
    {
        int n = TN.Value;
        Vector256<float> f0a = default, f0b = default, f1a = default, f1b = default, f2a = default, f2b = default, f3a = default, f3b = default;
        var mask = Vector256.Create((byte)0x0F);
        for (int b = 0; b < blocks; b++, w += PackedLayout.Q4_0BlockBytes, xq += PackedLayout.TileBlockBytes, xd += PackedLayout.TileTokens, xs += PackedLayout.TileSumInts)
        {
            var i0a = Vector256.Create(-PackedLayout.Q4_0Offset * xs[0]);
            var i0b = i0a;
            Vector256<int> i1a = default, i1b = default, i2a = default, i2b = default, i3a = default, i3b = default;
            if (n > 1) i1b = i1a = Vector256.Create(-PackedLayout.Q4_0Offset * xs[1]);
            if (n > 2) i2b = i2a = Vector256.Create(-PackedLayout.Q4_0Offset * xs[2]);
            if (n > 3) i3b = i3a = Vector256.Create(-PackedLayout.Q4_0Offset * xs[3]);
            byte* wq = w + PackedLayout.ScaleBytes;
            sbyte* xc = xq;
            for (int c = 0; c < 4; c++, wq += 64, xc += 32)
            {
                var rawA = Vector256.Load(wq);
                var rawB = Vector256.Load(wq + 32);
                var loA = rawA & mask;
                var hiA = Vector256.ShiftRightLogical(rawA.AsUInt16(), 4).AsByte() & mask;
                var loB = rawB & mask;
                var hiB = Vector256.ShiftRightLogical(rawB.AsUInt16(), 4).AsByte() & mask;
                (i0a, i0b) = Step(i0a, i0b, loA, hiA, loB, hiB, xc);
                if (n > 1) (i1a, i1b) = Step(i1a, i1b, loA, hiA, loB, hiB, xc + 4);
                if (n > 2) (i2a, i2b) = Step(i2a, i2b, loA, hiA, loB, hiB, xc + 8);
                if (n > 3) (i3a, i3b) = Step(i3a, i3b, loA, hiA, loB, hiB, xc + 12);
            }

            var wsA = Vector256.Load((float*)w);
            var wsB = Vector256.Load((float*)w + 8);
            (f0a, f0b) = Finish(i0a, i0b, wsA, wsB, xd[0], f0a, f0b);
            if (n > 1) (f1a, f1b) = Finish(i1a, i1b, wsA, wsB, xd[1], f1a, f1b);
            if (n > 2) (f2a, f2b) = Finish(i2a, i2b, wsA, wsB, xd[2], f2a, f2b);
            if (n > 3) (f3a, f3b) = Finish(i3a, i3b, wsA, wsB, xd[3], f3a, f3b);
        }

        Store(y, yStride, n, f0a, f0b, f1a, f1b, f2a, f2b, f3a, f3b);
    }

    private static void Q8_0<TN>(byte* w, int blocks, sbyte* xq, float* xd, int* xs, float* y, int yStride)
        where TN : struct, ITokenCount
    {
        int n = TN.Value;
        Vector256<float> f0a = default, f0b = default, f1a = default, f1b = default, f2a = default, f2b = default, f3a = default, f3b = default;
        for (int b = 0; b < blocks; b++, w += PackedLayout.Q8_0BlockBytes, xq += PackedLayout.TileBlockBytes, xd += PackedLayout.TileTokens, xs += PackedLayout.TileSumInts)
        {
            var i0a = Vector256.Create(-PackedLayout.Q8_0Offset * xs[0]);
            var i0b = i0a;
            Vector256<int> i1a = default, i1b = default, i2a = default, i2b = default, i3a = default, i3b = default;
            if (n > 1) i1b = i1a = Vector256.Create(-PackedLayout.Q8_0Offset * xs[1]);
            if (n > 2) i2b = i2a = Vector256.Create(-PackedLayout.Q8_0Offset * xs[2]);
            if (n > 3) i3b = i3a = Vector256.Create(-PackedLayout.Q8_0Offset * xs[3]);
            byte* wq = w + PackedLayout.ScaleBytes;
            sbyte* xc = xq;
            for (int q = 0; q < 8; q++, wq += 64, xc += 32)
            {
                Sse.PrefetchNonTemporal(wq + GemmAvx512.WeightPrefetchBytes);
                var wa = Vector256.Load(wq);
                var wb = Vector256.Load(wq + 32);
                var x0 = Broadcast(xc);
                i0a = AvxVnni.MultiplyWideningAndAdd(i0a, wa, x0);
                i0b = AvxVnni.MultiplyWideningAndAdd(i0b, wb, x0);
                if (n > 1)
                {
                    var x1 = Broadcast(xc + 4);
                    i1a = AvxVnni.MultiplyWideningAndAdd(i1a, wa, x1);
                    i1b = AvxVnni.MultiplyWideningAndAdd(i1b, wb, x1);
                }

                if (n > 2)
                {
                    var x2 = Broadcast(xc + 8);
                    i2a = AvxVnni.MultiplyWideningAndAdd(i2a, wa, x2);
                    i2b = AvxVnni.MultiplyWideningAndAdd(i2b, wb, x2);
                }

                if (n > 3)
                {
                    var x3 = Broadcast(xc + 12);
                    i3a = AvxVnni.MultiplyWideningAndAdd(i3a, wa, x3);
                    i3b = AvxVnni.MultiplyWideningAndAdd(i3b, wb, x3);
                }
            }

            var wsA = Vector256.Load((float*)w);
            var wsB = Vector256.Load((float*)w + 8);
            (f0a, f0b) = Finish(i0a, i0b, wsA, wsB, xd[0], f0a, f0b);
            if (n > 1) (f1a, f1b) = Finish(i1a, i1b, wsA, wsB, xd[1], f1a, f1b);
            if (n > 2) (f2a, f2b) = Finish(i2a, i2b, wsA, wsB, xd[2], f2a, f2b);
            if (n > 3) (f3a, f3b) = Finish(i3a, i3b, wsA, wsB, xd[3], f3a, f3b);
        }

        Store(y, yStride, n, f0a, f0b, f1a, f1b, f2a, f2b, f3a, f3b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<sbyte> Broadcast(sbyte* x) => Vector256.Create(*(int*)x).AsSByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<int>, Vector256<int>) Step(
        Vector256<int> a, Vector256<int> b, Vector256<byte> loA, Vector256<byte> hiA, Vector256<byte> loB, Vector256<byte> hiB, sbyte* x)
    {
        var xl = Broadcast(x);
        var xh = Broadcast(x + 128);
        return (AvxVnni.MultiplyWideningAndAdd(AvxVnni.MultiplyWideningAndAdd(a, loA, xl), hiA, xh),
                AvxVnni.MultiplyWideningAndAdd(AvxVnni.MultiplyWideningAndAdd(b, loB, xl), hiB, xh));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (Vector256<float>, Vector256<float>) Finish(
        Vector256<int> a, Vector256<int> b, Vector256<float> wsA, Vector256<float> wsB, float xd, Vector256<float> fa, Vector256<float> fb)
    {
        var d = Vector256.Create(xd);
        return (Fma.MultiplyAdd(Avx.ConvertToVector256Single(a), wsA * d, fa),
                Fma.MultiplyAdd(Avx.ConvertToVector256Single(b), wsB * d, fb));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Store(
        float* y, int yStride, int n, Vector256<float> f0a, Vector256<float> f0b, Vector256<float> f1a, Vector256<float> f1b,
        Vector256<float> f2a, Vector256<float> f2b, Vector256<float> f3a, Vector256<float> f3b)
    {
        f0a.Store(y);
        f0b.Store(y + 8);
        if (n > 1)
        {
            f1a.Store(y + yStride);
            f1b.Store(y + yStride + 8);
        }

        if (n > 2)
        {
            f2a.Store(y + 2 * yStride);
            f2b.Store(y + 2 * yStride + 8);
        }

        if (n > 3)
        {
            f3a.Store(y + 3 * yStride);
            f3b.Store(y + 3 * yStride + 8);
        }
    }
}

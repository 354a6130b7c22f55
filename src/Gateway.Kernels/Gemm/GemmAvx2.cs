using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Gateway.Kernels;

/// <summary>
/// GEMM with AVX2 alone for Q4_0, Q8_0, the affine nibble blocks (Q4_1, Q4_K) and Q6_K's two-scale blocks: a group's 16
/// rows are two registers of 8 int32 lanes. Nibbles multiply int8 activations with vpmaddubsw and keep the block's pair
/// sums in int16 (at most 8 * 2 * 15 * 127 = 30480); signed bytes (Q8_0, Q6_K) use the sign trick (|w| x sign(x, w), at
/// most 2 * 128 * 127 per pair) and widen every product with vpmaddwd. Up to four tokens per pass.
/// </summary>
internal static unsafe class GemmAvx2
{
    private const int PassTokens = 4;

    public static void Q4_0(byte* group, int blocks, sbyte* xq, float* xd, int* xs, int tokens, float* y, int yStride) =>
        Nibbles<SignedNibbles>(group, blocks, xq, xd, xs, tokens, y, yStride);

    /// <summary>Affine nibbles (Q4_1, Q4_K packed): Q4_0's integer path without the offset, plus min x token block sum.</summary>
    public static void AffineQ4(byte* group, int blocks, sbyte* xq, float* xd, int* xs, int tokens, float* y, int yStride) =>
        Nibbles<AffineNibbles>(group, blocks, xq, xd, xs, tokens, y, yStride);


    /// <summary>Q6_K packed: Q8_0's sign trick, one half-block of columns at a time, each finished with its own scales.</summary>
    public static void Q6_K(byte* group, int blocks, sbyte* xq, float* xd, int* xs, int tokens, float* y, int yStride) =>
        SignedBytes<TwoScales>(group, blocks, xq, xd, tokens, y, yStride);

    public static void Q8_0(byte* group, int blocks, sbyte* xq, float* xd, int* xs, int tokens, float* y, int yStride) =>
        SignedBytes<OneScale>(group, blocks, xq, xd, tokens, y, yStride);

    private static void SignedBytes<TScales>(byte* group, int blocks, sbyte* xq, float* xd, int tokens, float* y, int yStride)
        where TScales : struct, IScaleCount
    {
        for (int t = 0; t < tokens; t += PassTokens)
        {
            switch (Math.Min(PassTokens, tokens - t))
            {
                case 1: SignedBytes<Tokens1, TScales>(group, blocks, xq + 4 * t, xd + t, y + t * yStride, yStride); break;
                case 2: SignedBytes<Tokens2, TScales>(group, blocks, xq + 4 * t, xd + t, y + t * yStride, yStride); break;
                case 3: SignedBytes<Tokens3, TScales>(group, blocks, xq + 4 * t, xd + t, y + t * yStride, yStride); break;
                default: SignedBytes<Tokens4, TScales>(group, blocks, xq + 4 * t, xd + t, y + t * yStride, yStride); break;
            }
        }
    }

    private static void Nibbles<TForm>(byte* group, int blocks, sbyte* xq, float* xd, int* xs, int tokens, float* y, int yStride)
        where TForm : struct, INibbleForm
    {
        for (int t = 0; t < tokens; t += PassTokens)
        {
            switch (Math.Min(PassTokens, tokens - t))
            {
                case 1: Nibbles<Tokens1, TForm>(group, blocks, xq + 4 * t, xd + t, xs + t, y + t * yStride, yStride); break;
                case 2: Nibbles<Tokens2, TForm>(group, blocks, xq + 4 * t, xd + t, xs + t, y + t * yStride, yStride); break;
                case 3: Nibbles<Tokens3, TForm>(group, blocks, xq + 4 * t, xd + t, xs + t, y + t * yStride, yStride); break;
                default: Nibbles<Tokens4, TForm>(group, blocks, xq + 4 * t, xd + t, xs + t, y + t * yStride, yStride); break;
            }
        }
    }

    /// <summary>One group x up to 4 tokens for either nibble form: the integer path is shared, the finish differs.</summary>
    private static void Nibbles<TN, TForm>(byte* w, int blocks, sbyte* xq, float* xd, int* xs, float* y, int yStride)
        where TN : struct, ITokenCount
        where TForm : struct, INibbleForm
    {
        int n = TN.Value;
        int blockBytes = TForm.IsAffine ? PackedLayout.AffineQ4BlockBytes : PackedLayout.Q4_0BlockBytes;
        int quantStart = TForm.IsAffine ? PackedLayout.ScaleBytes + PackedLayout.MinBytes : PackedLayout.ScaleBytes;
        Vector256<float> f0a = default, f0b = default, f1a = default, f1b = default, f2a = default, f2b = default, f3a = default, f3b = default;
        var mask = Vector256.Create((byte)0x0F);
        for (int b = 0; b < blocks; b++, w += blockBytes, xq += PackedLayout.TileBlockBytes, xd += PackedLayout.TileTokens, xs += PackedLayout.TileSumInts)
        {
            Vector256<short> s0a = default, s0b = default, s1a = default, s1b = default, s2a = default, s2b = default, s3a = default, s3b = default;
            byte* wq = w + quantStart;
            sbyte* xc = xq;
            for (int c = 0; c < 4; c++, wq += 64, xc += 32)
            {
                var rawA = Vector256.Load(wq);
                var rawB = Vector256.Load(wq + 32);
                var loA = rawA & mask;
                var hiA = Vector256.ShiftRightLogical(rawA.AsUInt16(), 4).AsByte() & mask;
                var loB = rawB & mask;
                var hiB = Vector256.ShiftRightLogical(rawB.AsUInt16(), 4).AsByte() & mask;
                (s0a, s0b) = Step(s0a, s0b, loA, hiA, loB, hiB, xc);
                if (n > 1) (s1a, s1b) = Step(s1a, s1b, loA, hiA, loB, hiB, xc + 4);
                if (n > 2) (s2a, s2b) = Step(s2a, s2b, loA, hiA, loB, hiB, xc + 8);
                if (n > 3) (s3a, s3b) = Step(s3a, s3b, loA, hiA, loB, hiB, xc + 12);
            }

            var ws = (Vector256.Load((float*)w), Vector256.Load((float*)w + 8));
            var wm = TForm.IsAffine ? (Vector256.Load((float*)w + PackedLayout.GroupRows), Vector256.Load((float*)w + PackedLayout.GroupRows + 8)) : default;
            (f0a, f0b) = Finish<TForm>(s0a, s0b, ws, wm, xd[0], xs[0], f0a, f0b);
            if (n > 1) (f1a, f1b) = Finish<TForm>(s1a, s1b, ws, wm, xd[1], xs[1], f1a, f1b);
            if (n > 2) (f2a, f2b) = Finish<TForm>(s2a, s2b, ws, wm, xd[2], xs[2], f2a, f2b);
            if (n > 3) (f3a, f3b) = Finish<TForm>(s3a, s3b, ws, wm, xd[3], xs[3], f3a, f3b);
        }

        GemmAvxVnni.Store(y, yStride, n, f0a, f0b, f1a, f1b, f2a, f2b, f3a, f3b);
    }

    /// <summary>
    /// Widens a block's pair sums and adds the block to the token's accumulators: Q4_0 subtracts 8 x the activation
    /// block sum; the affine form adds minimum x (token scale x block sum) after the scaled dot.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float>, Vector256<float>) Finish<TForm>(
        Vector256<short> sa, Vector256<short> sb, (Vector256<float> A, Vector256<float> B) ws, (Vector256<float> A, Vector256<float> B) wm,
        float xd, int xs, Vector256<float> fa, Vector256<float> fb)
        where TForm : struct, INibbleForm
    {
        var offset = TForm.IsAffine ? 0 : xs;
        (fa, fb) = GemmAvxVnni.Finish(Widen(sa, offset), Widen(sb, offset), ws.A, ws.B, xd, fa, fb);
        if (!TForm.IsAffine)
        {
            return (fa, fb);
        }

        var m = Vector256.Create(xd * xs);
        return (Fma.MultiplyAdd(wm.A, m, fa), Fma.MultiplyAdd(wm.B, m, fb));
    }

    /// <summary>
    /// Signed bytes (stored + 128) x int8 activations with the sign trick. Q8_0 finishes a block once with one scale per
    /// row; Q6_K finishes each 16-column half with its own scales, in column order.
    /// </summary>
    private static void SignedBytes<TN, TScales>(byte* w, int blocks, sbyte* xq, float* xd, float* y, int yStride)
        where TN : struct, ITokenCount
        where TScales : struct, IScaleCount
    {
        int n = TN.Value;
        int parts = TScales.PerBlock;
        int chunks = 8 / parts;
        int blockBytes = parts == 1 ? PackedLayout.Q8_0BlockBytes : PackedLayout.Q6_KBlockBytes;
        Vector256<float> f0a = default, f0b = default, f1a = default, f1b = default, f2a = default, f2b = default, f3a = default, f3b = default;
        var flip = Vector256.Create((byte)0x80);
        for (int b = 0; b < blocks; b++, w += blockBytes, xq += PackedLayout.TileBlockBytes, xd += PackedLayout.TileTokens)
        {
            for (int part = 0; part < parts; part++)
            {
                Vector256<int> i0a = default, i0b = default, i1a = default, i1b = default, i2a = default, i2b = default, i3a = default, i3b = default;
                byte* wq = w + parts * PackedLayout.ScaleBytes + part * chunks * 64;
                sbyte* xc = xq + part * chunks * 32;
                for (int q = 0; q < chunks; q++, wq += 64, xc += 32)
                {
                    var wa = (Vector256.Load(wq) ^ flip).AsSByte();
                    var wb = (Vector256.Load(wq + 32) ^ flip).AsSByte();
                    var ma = Avx2.Abs(wa);
                    var mb = Avx2.Abs(wb);
                    (i0a, i0b) = SignedStep(i0a, i0b, wa, ma, wb, mb, xc);
                    if (n > 1) (i1a, i1b) = SignedStep(i1a, i1b, wa, ma, wb, mb, xc + 4);
                    if (n > 2) (i2a, i2b) = SignedStep(i2a, i2b, wa, ma, wb, mb, xc + 8);
                    if (n > 3) (i3a, i3b) = SignedStep(i3a, i3b, wa, ma, wb, mb, xc + 12);
                }

                var wsA = Vector256.Load((float*)w + part * PackedLayout.GroupRows);
                var wsB = Vector256.Load((float*)w + part * PackedLayout.GroupRows + 8);
                (f0a, f0b) = GemmAvxVnni.Finish(i0a, i0b, wsA, wsB, xd[0], f0a, f0b);
                if (n > 1) (f1a, f1b) = GemmAvxVnni.Finish(i1a, i1b, wsA, wsB, xd[1], f1a, f1b);
                if (n > 2) (f2a, f2b) = GemmAvxVnni.Finish(i2a, i2b, wsA, wsB, xd[2], f2a, f2b);
                if (n > 3) (f3a, f3b) = GemmAvxVnni.Finish(i3a, i3b, wsA, wsB, xd[3], f3a, f3b);
            }
        }

        GemmAvxVnni.Store(y, yStride, n, f0a, f0b, f1a, f1b, f2a, f2b, f3a, f3b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<sbyte> Broadcast(sbyte* x) => Vector256.Create(*(int*)x).AsSByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<short>, Vector256<short>) Step(
        Vector256<short> a, Vector256<short> b, Vector256<byte> loA, Vector256<byte> hiA, Vector256<byte> loB, Vector256<byte> hiB, sbyte* x)
    {
        var xl = Broadcast(x);
        var xh = Broadcast(x + 128);
        return (a + (Avx2.MultiplyAddAdjacent(loA, xl) + Avx2.MultiplyAddAdjacent(hiA, xh)),
                b + (Avx2.MultiplyAddAdjacent(loB, xl) + Avx2.MultiplyAddAdjacent(hiB, xh)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Widen(Vector256<short> s, int xs) =>
        Avx2.MultiplyAddAdjacent(s, Vector256<short>.One) + Vector256.Create(-PackedLayout.Q4_0Offset * xs);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<int>, Vector256<int>) SignedStep(
        Vector256<int> a, Vector256<int> b, Vector256<sbyte> wa, Vector256<byte> ma, Vector256<sbyte> wb, Vector256<byte> mb, sbyte* x)
    {
        var xb = Broadcast(x);
        var ones = Vector256<short>.One;
        return (a + Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(ma.AsByte(), Avx2.Sign(xb, wa)), ones),
                b + Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(mb.AsByte(), Avx2.Sign(xb, wb)), ones));
    }
}

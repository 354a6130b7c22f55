using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Gateway.Kernels;

/// <summary>
/// Nibble GEMM (Q4_0, and the affine blocks of Q4_1 and Q4_K) on 512-bit registers: one register holds an int32 lane per weight row (16 rows), up to 8 tokens share each
/// unpacked weight register. .NET exposes no 512-bit VPDPBUSD, so products go through vpmaddubsw (nibble x int8 pairs
/// into int16): a block's 8 pair sums per lane stay below 8 * 2 * 15 * 127 = 30480, so they accumulate in int16 without
/// saturating and one vpmaddwd per block and token widens them — still twice the products per instruction of the
/// 256-bit VNNI form on this hardware.
/// </summary>
internal static unsafe class GemmAvx512
{
    /// <summary>
    /// How far ahead of the chunk they multiply the kernels ask for their weights, with the non-temporal hint: a
    /// step streams every weight through the caches (~70 MB for a 134M Q4_0 model), and the hardware prefetcher alone
    /// left batch-16 decode waiting on them. In-process A/B, llama-134m batch 16: Q4_0 +12 % (4 KiB ahead beat 1, 2, 8
    /// and 16 KiB), Q8_0 (<see cref="GemmAvxVnni"/>) +12 %.
    /// </summary>
    internal const int WeightPrefetchBytes = 4096;

    public static void Q4_0(byte* group, int blocks, sbyte* xq, float* xd, int* xs, int tokens, float* y, int yStride) =>
        Nibbles<SignedNibbles>(group, blocks, xq, xd, xs, tokens, y, yStride);

    /// <summary>Affine nibbles (Q4_1, Q4_K packed): Q4_0's integer path without the offset, plus min x token block sum.</summary>
    public static void AffineQ4(byte* group, int blocks, sbyte* xq, float* xd, int* xs, int tokens, float* y, int yStride) =>
        Nibbles<AffineNibbles>(group, blocks, xq, xd, xs, tokens, y, yStride);

    /// <summary>
    /// Q6_K packed as unsigned bytes q + 96 (q = 0..63; see <see cref="PackedLayout"/>): one subtraction per chunk
    /// gives q, which vpmaddubsw takes as the unsigned operand without saturating (2 x 63 x 127 per pair). Each
    /// 16-column half has its own scale, so each ends in its own int16 sums, started from the tokens' Q6_K lane offsets.
    /// </summary>
    public static void Q6_K(byte* group, int blocks, sbyte* xq, float* xd, int* xs, int tokens, float* y, int yStride)
    {
        switch (tokens)
        {
            case 1: Q6_K<Tokens1>(group, blocks, xq, xd, xs, y, yStride); break;
            case 2: Q6_K<Tokens2>(group, blocks, xq, xd, xs, y, yStride); break;
            case 3: Q6_K<Tokens3>(group, blocks, xq, xd, xs, y, yStride); break;
            case 4: Q6_K<Tokens4>(group, blocks, xq, xd, xs, y, yStride); break;
            case 5: Q6_K<Tokens5>(group, blocks, xq, xd, xs, y, yStride); break;
            case 6: Q6_K<Tokens6>(group, blocks, xq, xd, xs, y, yStride); break;
            case 7: Q6_K<Tokens7>(group, blocks, xq, xd, xs, y, yStride); break;
            case 8: Q6_K<Tokens8>(group, blocks, xq, xd, xs, y, yStride); break;
            default: throw new ArgumentOutOfRangeException(nameof(tokens));
        }
    }

    private static void Q6_K<TN>(byte* w, int blocks, sbyte* xq, float* xd, int* xs, float* y, int yStride)
        where TN : struct, ITokenCount
    {
        int n = TN.Value;
        Vector512<float> f0 = default, f1 = default, f2 = default, f3 = default, f4 = default, f5 = default, f6 = default, f7 = default;
        var bias = Vector512.Create((byte)(PackedLayout.Q8_0Offset - PackedLayout.Q6_KOffset));
        for (int b = 0; b < blocks; b++, w += PackedLayout.Q6_KBlockBytes, xq += PackedLayout.TileBlockBytes, xd += PackedLayout.TileTokens, xs += PackedLayout.TileSumInts)
        {
            for (int half = 0; half < 2; half++)
            {
                int* offsets = xs + PackedLayout.Q6_KLaneOffsets + (half * PackedLayout.TileTokens);
                var s0 = Vector512.Create(offsets[0]).AsInt16();
                Vector512<short> s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
                if (n > 1) s1 = Vector512.Create(offsets[1]).AsInt16();
                if (n > 2) s2 = Vector512.Create(offsets[2]).AsInt16();
                if (n > 3) s3 = Vector512.Create(offsets[3]).AsInt16();
                if (n > 4) s4 = Vector512.Create(offsets[4]).AsInt16();
                if (n > 5) s5 = Vector512.Create(offsets[5]).AsInt16();
                if (n > 6) s6 = Vector512.Create(offsets[6]).AsInt16();
                if (n > 7) s7 = Vector512.Create(offsets[7]).AsInt16();
                byte* wq = w + (2 * PackedLayout.ScaleBytes) + (half * 4 * 64);
                sbyte* xc = xq + (half * 4 * 32);
                for (int c = 0; c < 4; c++, wq += 64, xc += 32)
                {
                    Sse.PrefetchNonTemporal(wq + WeightPrefetchBytes);
                    var q = Vector512.Load(wq) - bias;
                    s0 = Step(s0, q, xc, 0);
                    if (n > 1) s1 = Step(s1, q, xc, 4);
                    if (n > 2) s2 = Step(s2, q, xc, 8);
                    if (n > 3) s3 = Step(s3, q, xc, 12);
                    if (n > 4) s4 = Step(s4, q, xc, 16);
                    if (n > 5) s5 = Step(s5, q, xc, 20);
                    if (n > 6) s6 = Step(s6, q, xc, 24);
                    if (n > 7) s7 = Step(s7, q, xc, 28);
                }

                // The sums are already the signed dot, as Q4_0's are: its finish (widen, scale, accumulate) applies.
                var ws = Vector512.Load((float*)w + (half * PackedLayout.GroupRows));
                f0 = Finish<SignedNibbles>(s0, ws, default, xd, 0, 0, f0);
                if (n > 1) f1 = Finish<SignedNibbles>(s1, ws, default, xd, 1, 0, f1);
                if (n > 2) f2 = Finish<SignedNibbles>(s2, ws, default, xd, 2, 0, f2);
                if (n > 3) f3 = Finish<SignedNibbles>(s3, ws, default, xd, 3, 0, f3);
                if (n > 4) f4 = Finish<SignedNibbles>(s4, ws, default, xd, 4, 0, f4);
                if (n > 5) f5 = Finish<SignedNibbles>(s5, ws, default, xd, 5, 0, f5);
                if (n > 6) f6 = Finish<SignedNibbles>(s6, ws, default, xd, 6, 0, f6);
                if (n > 7) f7 = Finish<SignedNibbles>(s7, ws, default, xd, 7, 0, f7);
            }
        }

        Store(y, yStride, n, f0, f1, f2, f3, f4, f5, f6, f7);
    }

    /// <summary>Row sums of the first <paramref name="n"/> tokens to y[t * yStride + r].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(
        float* y, int yStride, int n, Vector512<float> f0, Vector512<float> f1, Vector512<float> f2, Vector512<float> f3,
        Vector512<float> f4, Vector512<float> f5, Vector512<float> f6, Vector512<float> f7)
    {
        f0.Store(y);
        if (n > 1) f1.Store(y + yStride);
        if (n > 2) f2.Store(y + 2 * yStride);
        if (n > 3) f3.Store(y + 3 * yStride);
        if (n > 4) f4.Store(y + 4 * yStride);
        if (n > 5) f5.Store(y + 5 * yStride);
        if (n > 6) f6.Store(y + 6 * yStride);
        if (n > 7) f7.Store(y + 7 * yStride);
    }

    /// <summary>Adds one token's products with one chunk of unsigned bytes (one quad of columns per 32-bit lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<short> Step(Vector512<short> s, Vector512<byte> q, sbyte* x, int offset) =>
        s + Avx512BW.MultiplyAddAdjacent(q, Vector512.Create(*(int*)(x + offset)).AsSByte());

    private static void Nibbles<TForm>(byte* group, int blocks, sbyte* xq, float* xd, int* xs, int tokens, float* y, int yStride)
        where TForm : struct, INibbleForm
    {
        switch (tokens)
        {
            case 1: Nibbles<Tokens1, TForm>(group, blocks, xq, xd, xs, y, yStride); break;
            case 2: Nibbles<Tokens2, TForm>(group, blocks, xq, xd, xs, y, yStride); break;
            case 3: Nibbles<Tokens3, TForm>(group, blocks, xq, xd, xs, y, yStride); break;
            case 4: Nibbles<Tokens4, TForm>(group, blocks, xq, xd, xs, y, yStride); break;
            case 5: Nibbles<Tokens5, TForm>(group, blocks, xq, xd, xs, y, yStride); break;
            case 6: Nibbles<Tokens6, TForm>(group, blocks, xq, xd, xs, y, yStride); break;
            case 7: Nibbles<Tokens7, TForm>(group, blocks, xq, xd, xs, y, yStride); break;
            case 8: Nibbles<Tokens8, TForm>(group, blocks, xq, xd, xs, y, yStride); break;
            default: throw new ArgumentOutOfRangeException(nameof(tokens));
        }
    }

    /// <summary>One group x up to 8 tokens for either nibble form: the integer path is shared, the finish differs.</summary>
    private static void Nibbles<TN, TForm>(byte* w, int blocks, sbyte* xq, float* xd, int* xs, float* y, int yStride)
        where TN : struct, ITokenCount
        where TForm : struct, INibbleForm
    {
        int n = TN.Value;
        int blockBytes = TForm.IsAffine ? PackedLayout.AffineQ4BlockBytes : PackedLayout.Q4_0BlockBytes;
        int quantStart = TForm.IsAffine ? PackedLayout.ScaleBytes + PackedLayout.MinBytes : PackedLayout.ScaleBytes;
        Vector512<float> f0 = default, f1 = default, f2 = default, f3 = default, f4 = default, f5 = default, f6 = default, f7 = default;
        var mask = Vector512.Create((byte)0x0F);
        for (int b = 0; b < blocks; b++, w += blockBytes, xq += PackedLayout.TileBlockBytes, xd += PackedLayout.TileTokens, xs += PackedLayout.TileSumInts)
        {
            // Q4_0's int16 sums start at the tokens' lane offsets, so they end at the signed dot (PackedLayout.TileSumInts).
            Vector512<short> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
            if (!TForm.IsAffine)
            {
                int* offsets = xs + PackedLayout.Q4_0LaneOffsets;
                s0 = Vector512.Create(offsets[0]).AsInt16();
                if (n > 1) s1 = Vector512.Create(offsets[1]).AsInt16();
                if (n > 2) s2 = Vector512.Create(offsets[2]).AsInt16();
                if (n > 3) s3 = Vector512.Create(offsets[3]).AsInt16();
                if (n > 4) s4 = Vector512.Create(offsets[4]).AsInt16();
                if (n > 5) s5 = Vector512.Create(offsets[5]).AsInt16();
                if (n > 6) s6 = Vector512.Create(offsets[6]).AsInt16();
                if (n > 7) s7 = Vector512.Create(offsets[7]).AsInt16();
            }

            byte* wq = w + quantStart;
            sbyte* xc = xq;
            for (int c = 0; c < 4; c++, wq += 64, xc += 32)
            {
                Sse.PrefetchNonTemporal(wq + WeightPrefetchBytes);
                var raw = Vector512.Load(wq);
                var lo = raw & mask;
                var hi = Vector512.ShiftRightLogical(raw.AsUInt16(), 4).AsByte() & mask;
                s0 = Step(s0, lo, hi, xc, 0);
                if (n > 1) s1 = Step(s1, lo, hi, xc, 4);
                if (n > 2) s2 = Step(s2, lo, hi, xc, 8);
                if (n > 3) s3 = Step(s3, lo, hi, xc, 12);
                if (n > 4) s4 = Step(s4, lo, hi, xc, 16);
                if (n > 5) s5 = Step(s5, lo, hi, xc, 20);
                if (n > 6) s6 = Step(s6, lo, hi, xc, 24);
                if (n > 7) s7 = Step(s7, lo, hi, xc, 28);
            }

            var ws = Vector512.Load((float*)w);
            var wm = TForm.IsAffine ? Vector512.Load((float*)w + PackedLayout.GroupRows) : default;
            f0 = Finish<TForm>(s0, ws, wm, xd, 0, xs[0], f0);
            if (n > 1) f1 = Finish<TForm>(s1, ws, wm, xd, 1, xs[1], f1);
            if (n > 2) f2 = Finish<TForm>(s2, ws, wm, xd, 2, xs[2], f2);
            if (n > 3) f3 = Finish<TForm>(s3, ws, wm, xd, 3, xs[3], f3);
            if (n > 4) f4 = Finish<TForm>(s4, ws, wm, xd, 4, xs[4], f4);
            if (n > 5) f5 = Finish<TForm>(s5, ws, wm, xd, 5, xs[5], f5);
            if (n > 6) f6 = Finish<TForm>(s6, ws, wm, xd, 6, xs[6], f6);
            if (n > 7) f7 = Finish<TForm>(s7, ws, wm, xd, 7, xs[7], f7);
        }

        Store(y, yStride, n, f0, f1, f2, f3, f4, f5, f6, f7);
    }

    /// <summary>Adds one token's products with one chunk: low nibbles meet quad c, high nibbles quad c + 4 (128 bytes on).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<short> Step(Vector512<short> s, Vector512<byte> lo, Vector512<byte> hi, sbyte* x, int offset) =>
        s + (Avx512BW.MultiplyAddAdjacent(lo, Vector512.Create(*(int*)(x + offset)).AsSByte()) +
             Avx512BW.MultiplyAddAdjacent(hi, Vector512.Create(*(int*)(x + offset + 128)).AsSByte()));

    /// <summary>
    /// Widens a block's pair sums and adds the block to the token's accumulators: Q4_0's sums are already the signed
    /// dot, so it only scales; the affine form scales, then adds minimum x (token scale x block sum).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Finish<TForm>(Vector512<short> s, Vector512<float> ws, Vector512<float> wm, float* xd, int token, int xs, Vector512<float> f)
        where TForm : struct, INibbleForm
    {
        var dot = Avx512BW.MultiplyAddAdjacent(s, Vector512<short>.One);

        // The scale broadcast straight from memory (the int form compiles to one load), not through a register (a
        // shuffle, on the ports the products need); the token as a constant offset, which the JIT folds into that
        // load's address instead of an lea per token.
        f = Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(dot), ws * Vector512.Create(*(int*)(xd + token)).AsSingle(), f);
        return TForm.IsAffine ? Avx512F.FusedMultiplyAdd(wm, Vector512.Create(xd[token] * xs), f) : f;
    }
}

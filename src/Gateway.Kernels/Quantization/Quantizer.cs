using System.Buffers.Binary;

namespace Gateway.Kernels;

/// <summary>
/// fp32 -> ggml types with the arithmetic of ggml's quantize_row_*_ref, so the files we write load in llama.cpp and
/// round-trip through it unchanged. Not a hot path: used when converting or writing models.
/// </summary>
public static class Quantizer
{
    /// <summary>Encodes <c>src.Length</c> elements (whole blocks) into the first RowBytes(t, src.Length) bytes of <paramref name="dst"/>.</summary>
    public static void QuantizeRow(GgmlType t, ReadOnlySpan<float> src, Span<byte> dst)
    {
        long needed = GgmlTypeTraits.RowBytes(t, src.Length);
        if (dst.Length < needed)
        {
            throw new ArgumentException($"A {GgmlTypeTraits.Name(t)} row of {src.Length} elements needs {needed} bytes; got {dst.Length}.", nameof(dst));
        }

        switch (t)
        {
            case GgmlType.F32:
                for (int i = 0; i < src.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(dst[(4 * i)..], src[i]);
                break;
            case GgmlType.F16:
                for (int i = 0; i < src.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(dst[(2 * i)..], GgmlRounding.ToHalfBits(src[i]));
                break;
            case GgmlType.BF16:
                for (int i = 0; i < src.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(dst[(2 * i)..], BFloat16Bits.FromSingle(src[i]));
                break;
            case GgmlType.Q4_0: ForEachBlock(src, dst, BlockLayout.Qk, BlockLayout.Q4_0Bytes, Q4_0); break;
            case GgmlType.Q4_1: ForEachBlock(src, dst, BlockLayout.Qk, BlockLayout.Q4_1Bytes, Q4_1); break;
            case GgmlType.Q8_0: ForEachBlock(src, dst, BlockLayout.Qk, BlockLayout.Q8_0Bytes, Q8_0); break;
            case GgmlType.Q4_K: ForEachBlock(src, dst, BlockLayout.QkK, BlockLayout.Q4_KBytes, Q4_K); break;
            case GgmlType.Q6_K: ForEachBlock(src, dst, BlockLayout.QkK, BlockLayout.Q6_KBytes, Q6_K); break;
            default: throw new NotSupportedException($"Quantizing to {GgmlTypeTraits.Name(t)} is not supported.");
        }
    }

    private delegate void BlockEncoder(ReadOnlySpan<float> x, Span<byte> block);

    private static void ForEachBlock(ReadOnlySpan<float> src, Span<byte> dst, int blockSize, int blockBytes, BlockEncoder encode)
    {
        for (int b = 0; b < src.Length / blockSize; b++)
        {
            encode(src.Slice(b * blockSize, blockSize), dst.Slice(b * blockBytes, blockBytes));
        }
    }

    private static void Q4_0(ReadOnlySpan<float> x, Span<byte> y)
    {
        float amax = 0, max = 0;
        foreach (float v in x)
        {
            if (amax < MathF.Abs(v))
            {
                amax = MathF.Abs(v);
                max = v;
            }
        }

        float d = max / -8;
        float id = d != 0 ? 1.0f / d : 0.0f;
        BinaryPrimitives.WriteUInt16LittleEndian(y, GgmlRounding.ToHalfBits(d));
        for (int j = 0; j < 16; j++)
        {
            int lo = Math.Min(15, (int)(sbyte)(x[j] * id + 8.5f));
            int hi = Math.Min(15, (int)(sbyte)(x[j + 16] * id + 8.5f));
            y[2 + j] = (byte)(lo | (hi << 4));
        }
    }

    private static void Q4_1(ReadOnlySpan<float> x, Span<byte> y)
    {
        float min = float.MaxValue, max = -float.MaxValue;
        foreach (float v in x)
        {
            if (v < min) min = v;
            if (v > max) max = v;
        }

        float d = (max - min) / 15;
        float id = d != 0 ? 1.0f / d : 0.0f;
        BinaryPrimitives.WriteUInt16LittleEndian(y, GgmlRounding.ToHalfBits(d));
        BinaryPrimitives.WriteUInt16LittleEndian(y[2..], GgmlRounding.ToHalfBits(min));
        for (int j = 0; j < 16; j++)
        {
            int lo = Math.Min(15, (int)(sbyte)((x[j] - min) * id + 0.5f));
            int hi = Math.Min(15, (int)(sbyte)((x[j + 16] - min) * id + 0.5f));
            y[4 + j] = (byte)(lo | (hi << 4));
        }
    }

    private static void Q8_0(ReadOnlySpan<float> x, Span<byte> y)
    {
        float amax = 0;
        foreach (float v in x) amax = MathF.Max(amax, MathF.Abs(v));
        float d = amax / 127;
        float id = d != 0 ? 1.0f / d : 0.0f;
        BinaryPrimitives.WriteUInt16LittleEndian(y, GgmlRounding.ToHalfBits(d));
        for (int j = 0; j < BlockLayout.Qk; j++)
        {
            y[2 + j] = (byte)(sbyte)MathF.Round(x[j] * id, MidpointRounding.AwayFromZero);
        }
    }

    private static void Q4_K(ReadOnlySpan<float> x, Span<byte> y)
    {
        Span<byte> levels = stackalloc byte[BlockLayout.QkK];
        Span<byte> scratch = stackalloc byte[32];
        Span<float> weights = stackalloc float[32];
        Span<float> mins = stackalloc float[8];
        Span<float> scales = stackalloc float[8];

        float maxScale = 0, maxMin = 0;
        for (int j = 0; j < 8; j++)
        {
            var sub = x.Slice(32 * j, 32);
            float sumX2 = 0;
            for (int l = 0; l < 32; l++) sumX2 += sub[l] * sub[l];
            float avX = MathF.Sqrt(sumX2 / 32);
            for (int l = 0; l < 32; l++) weights[l] = avX + MathF.Abs(sub[l]);
            scales[j] = KQuantSearch.ScaleAndMin(15, sub, weights, levels.Slice(32 * j, 32), out mins[j], scratch, -1f, 0.1f, 20, false);
            if (scales[j] > maxScale) maxScale = scales[j];
            if (mins[j] > maxMin) maxMin = mins[j];
        }

        float invScale = maxScale > 0 ? 63f / maxScale : 0f;
        float invMin = maxMin > 0 ? 63f / maxMin : 0f;
        var packed = y.Slice(BlockLayout.Q4_KScalesOffset, BlockLayout.Q4_KScalesBytes);
        packed.Clear();
        for (int j = 0; j < 8; j++)
        {
            // ggml stores nearest_int into a uint8_t before clamping, so the truncation is part of the format.
            int ls = Math.Min(63, (int)(byte)GgmlRounding.NearestInt(invScale * scales[j]));
            int lm = Math.Min(63, (int)(byte)GgmlRounding.NearestInt(invMin * mins[j]));
            K4ScaleMin.Set(j, packed, ls, lm);
        }

        ushort dBits = GgmlRounding.ToHalfBits(maxScale / 63f);
        ushort dminBits = GgmlRounding.ToHalfBits(maxMin / 63f);
        BinaryPrimitives.WriteUInt16LittleEndian(y, dBits);
        BinaryPrimitives.WriteUInt16LittleEndian(y[2..], dminBits);
        float dStored = HalfTable.ToSingle(dBits);
        float dminStored = HalfTable.ToSingle(dminBits);

        for (int j = 0; j < 8; j++)
        {
            GetScaleMin(j, packed, out int sc, out int m);
            float d = dStored * sc;
            if (d == 0) continue;
            float dm = dminStored * m;
            for (int i = 0; i < 32; i++)
            {
                int l = GgmlRounding.NearestInt((x[32 * j + i] + dm) / d);
                levels[32 * j + i] = (byte)Math.Max(0, Math.Min(15, l));
            }
        }

        var qs = y.Slice(BlockLayout.Q4_KQsOffset, BlockLayout.QkK / 2);
        for (int chunk = 0; chunk < 4; chunk++)
        {
            for (int l = 0; l < 32; l++)
            {
                qs[32 * chunk + l] = (byte)(levels[64 * chunk + l] | (levels[64 * chunk + l + 32] << 4));
            }
        }
    }

    private static unsafe void GetScaleMin(int j, Span<byte> packed, out int scale, out int min)
    {
        fixed (byte* p = packed)
        {
            K4ScaleMin.Get(j, p, out scale, out min);
        }
    }

    private static void Q6_K(ReadOnlySpan<float> x, Span<byte> y)
    {
        Span<sbyte> levels = stackalloc sbyte[BlockLayout.QkK];
        Span<float> scales = stackalloc float[16];

        float maxScale = 0, maxAbsScale = 0;
        for (int ib = 0; ib < 16; ib++)
        {
            float scale = KQuantSearch.SymmetricScale(32, x.Slice(16 * ib, 16), levels.Slice(16 * ib, 16));
            scales[ib] = scale;
            if (MathF.Abs(scale) > maxAbsScale)
            {
                maxAbsScale = MathF.Abs(scale);
                maxScale = scale;
            }
        }

        if (maxAbsScale < 1e-15f)
        {
            y[..BlockLayout.Q6_KBytes].Clear();
            return;
        }

        float iscale = -128f / maxScale;
        ushort dBits = GgmlRounding.ToHalfBits(1 / iscale);
        BinaryPrimitives.WriteUInt16LittleEndian(y[BlockLayout.Q6_KDOffset..], dBits);
        float dStored = HalfTable.ToSingle(dBits);
        var sc = y.Slice(BlockLayout.Q6_KScalesOffset, 16);
        for (int ib = 0; ib < 16; ib++)
        {
            sc[ib] = (byte)(sbyte)Math.Min(127, GgmlRounding.NearestInt(iscale * scales[ib]));
        }

        for (int j = 0; j < 16; j++)
        {
            float d = dStored * (sbyte)sc[j];
            if (d == 0) continue;
            for (int i = 0; i < 16; i++)
            {
                int l = GgmlRounding.NearestInt(x[16 * j + i] / d);
                levels[16 * j + i] = (sbyte)(Math.Max(-32, Math.Min(31, l)) + 32);
            }
        }

        var ql = y[..BlockLayout.Q6_KQhOffset];
        var qh = y.Slice(BlockLayout.Q6_KQhOffset, BlockLayout.QkK / 4);
        for (int half = 0; half < 2; half++)
        {
            int e = 128 * half;
            for (int l = 0; l < 32; l++)
            {
                int q1 = levels[e + l], q2 = levels[e + l + 32], q3 = levels[e + l + 64], q4 = levels[e + l + 96];
                ql[64 * half + l] = (byte)((q1 & 0xF) | ((q3 & 0xF) << 4));
                ql[64 * half + l + 32] = (byte)((q2 & 0xF) | ((q4 & 0xF) << 4));
                qh[32 * half + l] = (byte)((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6));
            }
        }
    }
}

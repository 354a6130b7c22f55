using System.Runtime.InteropServices;

namespace Gateway.Kernels;

/// <summary>Expands one row of any supported type to fp32, with ggml's dequantize_row_* arithmetic.</summary>
public static unsafe class Dequantizer
{
    /// <summary>Writes <c>dst.Length</c> elements decoded from <paramref name="src"/> (which must hold at least their row bytes).</summary>
    public static void DequantizeRow(GgmlType t, ReadOnlySpan<byte> src, Span<float> dst)
    {
        long needed = GgmlTypeTraits.RowBytes(t, dst.Length);
        if (src.Length < needed)
        {
            throw new ArgumentException($"A {GgmlTypeTraits.Name(t)} row of {dst.Length} elements needs {needed} bytes; got {src.Length}.", nameof(src));
        }

        switch (t)
        {
            case GgmlType.F32:
                MemoryMarshal.Cast<byte, float>(src[..(dst.Length * 4)]).CopyTo(dst);
                return;
            case GgmlType.F16:
                VectorOps.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(src[..(dst.Length * 2)]), dst);
                return;
            case GgmlType.BF16:
                var bits = MemoryMarshal.Cast<byte, ushort>(src[..(dst.Length * 2)]);
                for (int i = 0; i < dst.Length; i++)
                {
                    dst[i] = BFloat16Bits.ToSingle(bits[i]);
                }

                return;
        }

        fixed (byte* s = src)
        fixed (float* d = dst)
        {
            int n = dst.Length;
            switch (t)
            {
                case GgmlType.Q4_0: Q4_0(s, d, n); break;
                case GgmlType.Q4_1: Q4_1(s, d, n); break;
                case GgmlType.Q8_0: Q8_0(s, d, n); break;
                case GgmlType.Q4_K: Q4_K(s, d, n); break;
                case GgmlType.Q6_K: Q6_K(s, d, n); break;
                default: throw new NotSupportedException($"Dequantizing {GgmlTypeTraits.Name(t)} is not supported.");
            }
        }
    }

    private static void Q4_0(byte* x, float* y, int n)
    {
        for (int b = 0; b < n / BlockLayout.Qk; b++, x += BlockLayout.Q4_0Bytes, y += BlockLayout.Qk)
        {
            float d = HalfTable.Read(x);
            byte* qs = x + 2;
            for (int j = 0; j < 16; j++)
            {
                y[j] = ((qs[j] & 0x0F) - 8) * d;
                y[j + 16] = ((qs[j] >> 4) - 8) * d;
            }
        }
    }

    private static void Q4_1(byte* x, float* y, int n)
    {
        for (int b = 0; b < n / BlockLayout.Qk; b++, x += BlockLayout.Q4_1Bytes, y += BlockLayout.Qk)
        {
            float d = HalfTable.Read(x);
            float m = HalfTable.Read(x + 2);
            byte* qs = x + 4;
            for (int j = 0; j < 16; j++)
            {
                y[j] = (qs[j] & 0x0F) * d + m;
                y[j + 16] = (qs[j] >> 4) * d + m;
            }
        }
    }

    private static void Q8_0(byte* x, float* y, int n)
    {
        for (int b = 0; b < n / BlockLayout.Qk; b++, x += BlockLayout.Q8_0Bytes, y += BlockLayout.Qk)
        {
            float d = HalfTable.Read(x);
            sbyte* qs = (sbyte*)(x + 2);
            for (int j = 0; j < BlockLayout.Qk; j++)
            {
                y[j] = qs[j] * d;
            }
        }
    }

    private static void Q4_K(byte* x, float* y, int n)
    {
        for (int b = 0; b < n / BlockLayout.QkK; b++, x += BlockLayout.Q4_KBytes)
        {
            float d = HalfTable.Read(x);
            float dmin = HalfTable.Read(x + 2);
            byte* scales = x + BlockLayout.Q4_KScalesOffset;
            byte* q = x + BlockLayout.Q4_KQsOffset;
            for (int chunk = 0; chunk < 4; chunk++, q += 32)
            {
                K4ScaleMin.Get(2 * chunk, scales, out int sc1, out int m1);
                K4ScaleMin.Get(2 * chunk + 1, scales, out int sc2, out int m2);
                float d1 = d * sc1, min1 = dmin * m1, d2 = d * sc2, min2 = dmin * m2;
                for (int l = 0; l < 32; l++)
                {
                    *y++ = d1 * (q[l] & 0xF) - min1;
                }

                for (int l = 0; l < 32; l++)
                {
                    *y++ = d2 * (q[l] >> 4) - min2;
                }
            }
        }
    }

    private static void Q6_K(byte* x, float* y, int n)
    {
        for (int b = 0; b < n / BlockLayout.QkK; b++, x += BlockLayout.Q6_KBytes)
        {
            float d = HalfTable.Read(x + BlockLayout.Q6_KDOffset);
            byte* ql = x;
            byte* qh = x + BlockLayout.Q6_KQhOffset;
            sbyte* sc = (sbyte*)(x + BlockLayout.Q6_KScalesOffset);
            for (int half = 0; half < 2; half++, y += 128, ql += 64, qh += 32, sc += 8)
            {
                for (int l = 0; l < 32; l++)
                {
                    int s = l / 16;
                    int q1 = ((ql[l] & 0xF) | ((qh[l] & 3) << 4)) - 32;
                    int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                    int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                    int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                    y[l] = d * sc[s] * q1;
                    y[l + 32] = d * sc[s + 2] * q2;
                    y[l + 64] = d * sc[s + 4] * q3;
                    y[l + 96] = d * sc[s + 6] * q4;
                }
            }
        }
    }
}

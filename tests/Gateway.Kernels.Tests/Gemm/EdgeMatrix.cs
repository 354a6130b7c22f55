using System.Runtime.InteropServices;

namespace Gateway.Kernels.Tests;

/// <summary>
/// A Q4_0, Q8_0, Q4_1, Q4_K or Q6_K matrix written block by block with edge cases mixed into random data: all-zero quants, zero scales,
/// the largest and a subnormal fp16 scale, and quants at their extremes. Native memory, as a mapped file gives.
/// </summary>
internal sealed unsafe class EdgeMatrix : IDisposable
{
    private readonly byte* _data;

    public EdgeMatrix(GgmlType type, int rows, int cols, int seed)
    {
        var random = new Random(seed);
        int rowBytes = (int)GgmlTypeTraits.RowBytes(type, cols);
        _data = (byte*)NativeMemory.Alloc((nuint)Math.Max(1, rows * rowBytes));
        if (type is GgmlType.Q4_1 or GgmlType.Q4_K)
        {
            FillAffine(type, rows, cols, rowBytes, random);
            Matrix = new WeightMatrix(_data, type, rows, cols);
            return;
        }

        if (type == GgmlType.Q6_K)
        {
            FillQ6_K(rows, cols, rowBytes, random);
            Matrix = new WeightMatrix(_data, type, rows, cols);
            return;
        }

        int blockBytes = type == GgmlType.Q4_0 ? 18 : 34;
        for (int r = 0; r < rows; r++)
        {
            for (int b = 0; b < cols / 32; b++)
            {
                byte* block = _data + r * rowBytes + b * blockBytes;
                int kind = random.Next(10);
                float scale = kind switch
                {
                    0 => 0f,
                    1 => 65504f,
                    2 => 6e-8f,
                    _ => (float)(random.NextDouble() * 0.02),
                };
                *(ushort*)block = BitConverter.HalfToUInt16Bits((Half)scale);
                for (int j = 0; j < blockBytes - 2; j++)
                {
                    block[2 + j] = kind switch
                    {
                        3 => (byte)(type == GgmlType.Q4_0 ? 0x88 : 0), // every value zero
                        4 => (byte)(type == GgmlType.Q4_0 ? 0x00 : 0x81), // every value at its minimum (-8, -127)
                        5 => (byte)(type == GgmlType.Q4_0 ? 0xFF : 0x7F), // every value at its maximum (7, 127)
                        _ => (byte)(type == GgmlType.Q4_0 ? random.Next(256) : random.Next(-127, 128)),
                    };
                }
            }
        }

        Matrix = new WeightMatrix(_data, type, rows, cols);
    }

    public WeightMatrix Matrix { get; }

    public void Dispose() => NativeMemory.Free(_data);

    /// <summary>
    /// Q4_1 blocks (scale, minimum, nibbles) or Q4_K super-blocks (d, dmin, 6-bit scales and minimums, nibbles), with
    /// the same edge cases: zero, largest and subnormal fp16 factors, negative minimums, nibbles all 0 or all 15.
    /// </summary>
    private void FillAffine(GgmlType type, int rows, int cols, int rowBytes, Random random)
    {
        bool k = type == GgmlType.Q4_K;
        int blockBytes = k ? BlockLayout.Q4_KBytes : BlockLayout.Q4_1Bytes;
        int values = k ? BlockLayout.QkK : BlockLayout.Qk;
        for (int r = 0; r < rows; r++)
        {
            for (int b = 0; b < cols / values; b++)
            {
                byte* block = _data + r * rowBytes + b * blockBytes;
                int kind = random.Next(10);
                float Factor() => kind switch
                {
                    0 => 0f,
                    1 => 65504f,
                    2 => 6e-8f,
                    _ => (float)((random.NextDouble() - (k ? 0 : 0.5)) * 0.04),
                };
                ((ushort*)block)[0] = BitConverter.HalfToUInt16Bits((Half)Factor());
                ((ushort*)block)[1] = BitConverter.HalfToUInt16Bits((Half)Factor());
                int quantStart = 4;
                if (k)
                {
                    for (int j = 0; j < BlockLayout.Q4_KScalesBytes; j++)
                    {
                        block[4 + j] = kind == 6 ? (byte)0xFF : (byte)random.Next(256); // every scale and minimum 63
                    }

                    quantStart = BlockLayout.Q4_KQsOffset;
                }

                for (int j = quantStart; j < blockBytes; j++)
                {
                    block[j] = kind switch
                    {
                        3 => 0x00,
                        4 => 0xFF,
                        _ => (byte)random.Next(256),
                    };
                }
            }
        }
    }

    /// <summary>Q6_K super-blocks: random bits, plus d at zero, largest and subnormal, scales at -128 and 127, all q at 0 or 63.</summary>
    private void FillQ6_K(int rows, int cols, int rowBytes, Random random)
    {
        for (int r = 0; r < rows; r++)
        {
            for (int b = 0; b < cols / BlockLayout.QkK; b++)
            {
                byte* block = _data + r * rowBytes + b * BlockLayout.Q6_KBytes;
                int kind = random.Next(10);
                for (int j = 0; j < BlockLayout.Q6_KScalesOffset; j++)
                {
                    block[j] = kind switch { 3 => 0x00, 4 => 0xFF, _ => (byte)random.Next(256) };
                }

                for (int j = 0; j < 16; j++)
                {
                    block[BlockLayout.Q6_KScalesOffset + j] = kind switch { 5 => 0x80, 6 => 0x7F, _ => (byte)random.Next(256) };
                }

                float d = kind switch { 0 => 0f, 1 => 65504f, 2 => 6e-8f, _ => (float)(random.NextDouble() * 0.002) };
                *(ushort*)(block + BlockLayout.Q6_KDOffset) = BitConverter.HalfToUInt16Bits((Half)d);
            }
        }
    }

    /// <summary>Value <paramref name="j"/> of a Q6_K row as (signed q, scale d * sc), in ggml's dequantize_row_q6_K order.</summary>
    private static (int Q, float Scale) Q6_KValue(byte* row, int j)
    {
        byte* super = row + (j / 256) * BlockLayout.Q6_KBytes;
        int within = j % 256, half = within / 128, run = (within % 128) / 32, l = within % 32;
        byte ql = super[64 * half + (run % 2 == 1 ? 32 : 0) + l];
        byte qh = super[BlockLayout.Q6_KQhOffset + 32 * half + l];
        int q = ((run < 2 ? ql & 0x0F : ql >> 4) | (((qh >> (2 * run)) & 3) << 4)) - 32;
        sbyte sc = ((sbyte*)(super + BlockLayout.Q6_KScalesOffset))[8 * half + 2 * run + l / 16];
        return (q, (float)BitConverter.UInt16BitsToHalf(*(ushort*)(super + BlockLayout.Q6_KDOffset)) * sc);
    }

    /// <summary>Value <paramref name="j"/> of a row as (nibble, scale, minimum) for the affine types: value = scale * q + min.</summary>
    private static (int Q, float Scale, float Min) Affine(in WeightMatrix w, byte* row, int j)
    {
        if (w.Type == GgmlType.Q4_1)
        {
            byte* block = row + (j / 32) * BlockLayout.Q4_1Bytes;
            int i = j % 32;
            int q = i < 16 ? block[4 + i] & 0x0F : block[4 + i - 16] >> 4;
            return (q, (float)BitConverter.UInt16BitsToHalf(((ushort*)block)[0]), (float)BitConverter.UInt16BitsToHalf(((ushort*)block)[1]));
        }

        // Q4_K as ggml's dequantize_row_q4_K reads it: sub-blocks 2i and 2i + 1 share 32 bytes, low then high nibbles.
        byte* super = row + (j / 256) * BlockLayout.Q4_KBytes;
        int within = j % 256;
        int sub = within / 32;
        byte qByte = super[BlockLayout.Q4_KQsOffset + 32 * (sub / 2) + within % 32];
        int nibble = sub % 2 == 0 ? qByte & 0x0F : qByte >> 4;
        K4ScaleMin.Get(sub, super + BlockLayout.Q4_KScalesOffset, out int sc, out int m);
        float d = (float)BitConverter.UInt16BitsToHalf(((ushort*)super)[0]);
        float dmin = (float)BitConverter.UInt16BitsToHalf(((ushort*)super)[1]);
        return (nibble, d * sc, -(dmin * m));
    }

    /// <summary>
    /// The GEMM contract computed from the ggml rows and the row-major int8 activations: per block the exact signed
    /// integer dot, then acc = fma(dot, weightScale * tokenScale, acc). Every kernel variant must produce exactly this.
    /// </summary>
    public static float Oracle(in WeightMatrix w, int row, Activations x, int token)
    {
        var q = x.Quantized(token);
        byte* data = w.Data + (nint)row * w.RowBytes;
        if (w.Type == GgmlType.Q6_K)
        {
            // Per 32 values, the signed dot of columns 0-15 then of 16-31, each with its own weight scale.
            float sixBit = 0;
            for (int b = 0; b < w.Cols / 32; b++)
            {
                sbyte* xb = q.Quants + b * 32;
                for (int half = 0; half < 2; half++)
                {
                    int dot = 0;
                    float scale = 0;
                    for (int j = 16 * half; j < 16 * half + 16; j++)
                    {
                        (int v, scale) = Q6_KValue(data, b * 32 + j);
                        dot += v * xb[j];
                    }

                    sixBit = MathF.FusedMultiplyAdd(dot, scale * q.Scales[b], sixBit);
                }
            }

            return sixBit;
        }

        if (w.Type is GgmlType.Q4_1 or GgmlType.Q4_K)
        {
            // Per 32 values: acc = fma(dot of unsigned nibbles, scale * tokenScale, acc), then
            // acc = fma(min, tokenScale * tokenBlockSum, acc).
            float affine = 0;
            for (int b = 0; b < w.Cols / 32; b++)
            {
                sbyte* xb = q.Quants + b * 32;
                int dot = 0;
                float scale = 0, min = 0;
                for (int j = 0; j < 32; j++)
                {
                    (int v, scale, min) = Affine(w, data, b * 32 + j);
                    dot += v * xb[j];
                }

                affine = MathF.FusedMultiplyAdd(dot, scale * q.Scales[b], affine);
                affine = MathF.FusedMultiplyAdd(min, q.Scales[b] * q.Sums[b], affine);
            }

            return affine;
        }

        int blockBytes = w.Type == GgmlType.Q4_0 ? 18 : 34;
        float acc = 0;
        for (int b = 0; b < w.Cols / 32; b++)
        {
            byte* block = data + b * blockBytes;
            float d = (float)BitConverter.UInt16BitsToHalf(*(ushort*)block);
            sbyte* xb = q.Quants + b * 32;
            int dot = 0;
            for (int j = 0; j < 32; j++)
            {
                int v = w.Type == GgmlType.Q4_0
                    ? (j < 16 ? block[2 + j] & 0x0F : block[2 + j - 16] >> 4) - 8
                    : (sbyte)block[2 + j];
                dot += v * xb[j];
            }

            acc = MathF.FusedMultiplyAdd(dot, d * q.Scales[b], acc);
        }

        return acc;
    }
}

using System.Runtime.InteropServices;

namespace Gateway.Kernels.Tests;

/// <summary>
/// A Q4_0 or Q8_0 matrix written block by block with edge cases mixed into random data: all-zero quants, zero scales,
/// the largest and a subnormal fp16 scale, and quants at their extremes. Native memory, as a mapped file gives.
/// </summary>
internal sealed unsafe class EdgeMatrix : IDisposable
{
    private readonly byte* _data;

    public EdgeMatrix(GgmlType type, int rows, int cols, int seed)
    {
        var random = new Random(seed);
        int rowBytes = (int)GgmlTypeTraits.RowBytes(type, cols);
        int blockBytes = type == GgmlType.Q4_0 ? 18 : 34;
        _data = (byte*)NativeMemory.Alloc((nuint)Math.Max(1, rows * rowBytes));
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
    /// The GEMM contract computed from the ggml rows and the row-major int8 activations: per block the exact signed
    /// integer dot, then acc = fma(dot, weightScale * tokenScale, acc). Every kernel variant must produce exactly this.
    /// </summary>
    public static float Oracle(in WeightMatrix w, int row, Activations x, int token)
    {
        var q = x.Quantized(token);
        byte* data = w.Data + (nint)row * w.RowBytes;
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

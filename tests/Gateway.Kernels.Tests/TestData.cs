namespace Gateway.Kernels.Tests;

/// <summary>Seeded random inputs, so failures reproduce.</summary>
internal static class TestData
{
    public static float[] Floats(int n, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        var values = new float[n];
        for (int i = 0; i < n; i++)
        {
            // Roughly normal (sum of uniforms), like trained weights and hidden states.
            values[i] = scale * (float)(random.NextDouble() + random.NextDouble() + random.NextDouble() - 1.5);
        }

        return values;
    }

    public static byte[] Quantize(GgmlType type, float[] values)
    {
        var bytes = new byte[GgmlTypeTraits.RowBytes(type, values.Length)];
        Quantizer.QuantizeRow(type, values, bytes);
        return bytes;
    }

    public static float[] Dequantize(GgmlType type, byte[] bytes, int n)
    {
        var values = new float[n];
        Dequantizer.DequantizeRow(type, bytes, values);
        return values;
    }

    public static ushort HalfBits(float value) => BitConverter.HalfToUInt16Bits((Half)value);

    public static void WriteHalf(byte[] block, int offset, float value)
    {
        ushort bits = HalfBits(value);
        block[offset] = (byte)bits;
        block[offset + 1] = (byte)(bits >> 8);
    }
}

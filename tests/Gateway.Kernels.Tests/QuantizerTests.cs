namespace Gateway.Kernels.Tests;

/// <summary>Encodings worked out by hand from ggml's quantize_row_*_ref.</summary>
public class QuantizerTests
{
    [Fact]
    public void Q4_0_uses_the_signed_absmax_over_minus_8_and_rounds_with_plus_8_5()
    {
        var x = Enumerable.Range(0, 32).Select(j => (float)(j - 16)).ToArray(); // absmax -16 -> d = 2
        var block = TestData.Quantize(GgmlType.Q4_0, x);

        Assert.Equal(TestData.HalfBits(2f), BitConverter.ToUInt16(block, 0));
        static int Q(int j) => Math.Min(15, (j + 1) / 2); // trunc((j-16)/2 + 8.5), clamped like ggml
        for (int j = 0; j < 16; j++)
        {
            Assert.Equal((byte)(Q(j) | (Q(j + 16) << 4)), block[2 + j]);
        }
    }

    [Fact]
    public void Q8_0_scale_is_absmax_over_127()
    {
        var x = Enumerable.Range(0, 32).Select(j => j == 5 ? -254f : j).ToArray();
        var block = TestData.Quantize(GgmlType.Q8_0, x);
        Assert.Equal(TestData.HalfBits(2f), BitConverter.ToUInt16(block, 0));
        Assert.Equal(-127, (sbyte)block[2 + 5]);
        Assert.Equal(2, (sbyte)block[2 + 4]);
        Assert.Equal(16, (sbyte)block[2 + 31]); // 31/2 = 15.5 rounds away from zero
    }

    [Fact]
    public void BF16_rounds_to_nearest_even_like_ggml()
    {
        // 1 + 2^-8 is exactly halfway between two bf16 values: ties go to the even mantissa (1.0).
        var halfway = new[] { 1f + 1f / 256, 1f + 3f / 256 };
        var bytes = TestData.Quantize(GgmlType.BF16, halfway);
        Assert.Equal(0x3F80, BitConverter.ToUInt16(bytes, 0));
        Assert.Equal(0x3F82, BitConverter.ToUInt16(bytes, 2));
    }

    [Fact]
    public void Q6_K_stores_scales_with_minus_128_over_the_largest()
    {
        var x = TestData.Floats(256, seed: 3);
        var block = TestData.Quantize(GgmlType.Q6_K, x);
        var scales = block.AsSpan(192, 16).ToArray().Select(b => (sbyte)b).ToArray();
        // The sub-block with the largest scale gets -128 (or 127 after clamping when its scale is negative).
        Assert.Contains(scales, s => s == -128 || s == 127);
    }

    [Fact]
    public void Rejects_a_destination_that_is_too_small()
    {
        Assert.Throws<ArgumentException>(() => Quantizer.QuantizeRow(GgmlType.Q4_0, new float[64], new byte[35]));
    }
}

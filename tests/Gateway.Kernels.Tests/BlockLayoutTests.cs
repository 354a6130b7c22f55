namespace Gateway.Kernels.Tests;

/// <summary>Blocks built by hand from ggml's block_* definitions, decoded by the Dequantizer.</summary>
public class BlockLayoutTests
{
    [Fact]
    public void Q4_0_low_nibbles_are_the_first_half_and_values_are_offset_by_8()
    {
        var block = new byte[18];
        TestData.WriteHalf(block, 0, 0.5f);
        for (int j = 0; j < 16; j++) block[2 + j] = (byte)(j | ((15 - j) << 4));

        var y = TestData.Dequantize(GgmlType.Q4_0, block, 32);
        for (int j = 0; j < 16; j++)
        {
            Assert.Equal((j - 8) * 0.5f, y[j]);
            Assert.Equal((15 - j - 8) * 0.5f, y[j + 16]);
        }
    }

    [Fact]
    public void Q4_1_adds_the_block_minimum()
    {
        var block = new byte[20];
        TestData.WriteHalf(block, 0, 0.25f);
        TestData.WriteHalf(block, 2, -1f);
        for (int j = 0; j < 16; j++) block[4 + j] = (byte)(j | ((15 - j) << 4));

        var y = TestData.Dequantize(GgmlType.Q4_1, block, 32);
        for (int j = 0; j < 16; j++)
        {
            Assert.Equal(j * 0.25f - 1f, y[j]);
            Assert.Equal((15 - j) * 0.25f - 1f, y[j + 16]);
        }
    }

    [Fact]
    public void Q8_0_is_a_scale_and_signed_bytes()
    {
        var block = new byte[34];
        TestData.WriteHalf(block, 0, 2f);
        for (int j = 0; j < 32; j++) block[2 + j] = (byte)(sbyte)(j - 16);

        var y = TestData.Dequantize(GgmlType.Q8_0, block, 32);
        for (int j = 0; j < 32; j++) Assert.Equal(2f * (j - 16), y[j]);
    }

    [Fact]
    public void Q4_K_unpacks_six_bit_scales_and_mins_including_the_split_high_bits()
    {
        int[] sc = Enumerable.Range(0, 8).Select(j => 10 + 7 * j).ToArray(); // 10..59: sub-blocks 4-7 need the top bits
        int[] m = Enumerable.Range(0, 8).Select(j => 60 - 5 * j).ToArray();
        static int Q(int e) => e * 7 % 16;

        var block = new byte[144];
        TestData.WriteHalf(block, 0, 1f);
        TestData.WriteHalf(block, 2, 0.5f);
        for (int j = 0; j < 4; j++)
        {
            block[4 + j] = (byte)(sc[j] | ((sc[j + 4] >> 4) << 6));
            block[4 + j + 4] = (byte)(m[j] | ((m[j + 4] >> 4) << 6));
            block[4 + j + 8] = (byte)((sc[j + 4] & 0xF) | ((m[j + 4] & 0xF) << 4));
        }

        for (int chunk = 0; chunk < 4; chunk++)
        {
            for (int l = 0; l < 32; l++)
            {
                block[16 + 32 * chunk + l] = (byte)(Q(64 * chunk + l) | (Q(64 * chunk + 32 + l) << 4));
            }
        }

        var y = TestData.Dequantize(GgmlType.Q4_K, block, 256);
        for (int e = 0; e < 256; e++)
        {
            Assert.Equal(1f * sc[e / 32] * Q(e) - 0.5f * m[e / 32], y[e]);
        }
    }

    [Fact]
    public void Q6_K_joins_low_nibbles_and_high_bit_pairs_with_signed_scales_per_16()
    {
        static int Q(int e) => e * 5 % 64;
        static sbyte Scale(int k) => (sbyte)(k * 9 - 70);

        var block = new byte[210];
        for (int h = 0; h < 2; h++)
        {
            for (int l = 0; l < 32; l++)
            {
                int e = 128 * h + l;
                block[64 * h + l] = (byte)((Q(e) & 0xF) | ((Q(e + 64) & 0xF) << 4));
                block[64 * h + 32 + l] = (byte)((Q(e + 32) & 0xF) | ((Q(e + 96) & 0xF) << 4));
                block[128 + 32 * h + l] = (byte)((Q(e) >> 4) | ((Q(e + 32) >> 4) << 2) | ((Q(e + 64) >> 4) << 4) | ((Q(e + 96) >> 4) << 6));
            }
        }

        for (int k = 0; k < 16; k++) block[192 + k] = (byte)Scale(k);
        TestData.WriteHalf(block, 208, 0.25f);

        var y = TestData.Dequantize(GgmlType.Q6_K, block, 256);
        for (int e = 0; e < 256; e++)
        {
            Assert.Equal(0.25f * Scale(e / 16) * (Q(e) - 32), y[e]);
        }
    }

    [Fact]
    public void BF16_and_F16_decode_their_bit_patterns()
    {
        var bf16 = new byte[] { 0x80, 0x3F, 0x40, 0xC0 }; // 1.0, -3.0
        Assert.Equal(new[] { 1f, -3f }, TestData.Dequantize(GgmlType.BF16, bf16, 2));
        var f16 = new byte[] { 0x00, 0x3C, 0x00, 0xC2 }; // 1.0, -3.0
        Assert.Equal(new[] { 1f, -3f }, TestData.Dequantize(GgmlType.F16, f16, 2));
    }
}

namespace Gateway.Kernels.Tests;

public class VectorOpsTests
{
    [Fact]
    public void RmsNorm_scales_by_the_inverse_root_mean_square()
    {
        var x = TestData.Floats(300, seed: 1);
        var weight = TestData.Floats(300, seed: 2);
        var y = new float[300];
        VectorOps.RmsNorm(x, weight, 1e-5f, y);

        double ms = x.Sum(v => (double)v * v) / x.Length;
        double scale = 1 / Math.Sqrt(ms + 1e-5);
        for (int i = 0; i < x.Length; i++) Assert.Equal(x[i] * scale * weight[i], y[i], 1e-5);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(37)]
    [InlineData(300)]
    public void Softmax_matches_the_double_precision_definition_at_every_length(int length)
    {
        // Whole 16-float vectors plus a partial one: both must give exp(x - max) / sum within float rounding.
        var x = TestData.Floats(length, seed: 31, scale: 8);
        var expected = x.Select(v => Math.Exp(v - x.Max())).ToArray();
        var sum = expected.Sum();
        VectorOps.Softmax(x);
        for (int i = 0; i < length; i++) Assert.Equal(expected[i] / sum, x[i], 1e-6);
        Assert.Equal(1.0, x.Sum(v => (double)v), 1e-5);
    }

    [Fact]
    public void Softmax_is_stable_for_large_logits_and_masks_minus_infinity()
    {
        var x = new[] { 1000f, 1001f, float.NegativeInfinity, 999f };
        VectorOps.Softmax(x);
        double e0 = Math.Exp(-1), e2 = Math.Exp(-2), sum = e0 + 1 + e2;
        Assert.Equal(e0 / sum, x[0], 1e-6);
        Assert.Equal(1 / sum, x[1], 1e-6);
        Assert.Equal(0f, x[2]);
        Assert.Equal(e2 / sum, x[3], 1e-6);
    }

    [Fact]
    public void SiluMul_is_silu_of_gate_times_up()
    {
        var gate = TestData.Floats(600, seed: 3, scale: 4);
        var up = TestData.Floats(600, seed: 4);
        var expected = gate.Select((g, i) => g / (1 + Math.Exp(-g)) * up[i]).ToArray();
        VectorOps.SiluMul(gate, up, gate);
        for (int i = 0; i < gate.Length; i++) Assert.Equal(expected[i], gate[i], 1e-5);
    }

    [Theory]
    [InlineData(2048)]
    [InlineData(600)]
    [InlineData(7)]
    public void SiluMul_gives_the_bits_of_tensor_primitives_sigmoid_and_two_products_at_every_position(int length)
    {
        // The fused pass must not change a model's numbers: the same bits as sigmoid, gate x sigmoid, x up, element by
        // element, including in a tail shorter than a vector.
        var gate = TestData.Floats(length, seed: 5, scale: 6);
        var up = TestData.Floats(length, seed: 6);
        var sigmoid = new float[length];
        var expected = new float[length];
        System.Numerics.Tensors.TensorPrimitives.Sigmoid(gate, sigmoid);
        System.Numerics.Tensors.TensorPrimitives.Multiply(gate, sigmoid, expected);
        System.Numerics.Tensors.TensorPrimitives.Multiply(expected, up, expected);
        var actual = new float[length];
        VectorOps.SiluMul(gate, up, actual);
        for (int i = 0; i < length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]), $"[{i}] {actual[i]} vs {expected[i]}");
        }
    }

    [Fact]
    public void Half_to_single_is_exact_for_every_bit_pattern()
    {
        // All 65,536 halves (subnormals, infinities and NaNs included), plus a tail that is not a multiple of 16.
        var halves = new Half[65536 + 5];
        for (int i = 0; i < halves.Length; i++) halves[i] = BitConverter.UInt16BitsToHalf((ushort)(i * 40503 % 65536));
        var floats = new float[halves.Length];
        VectorOps.ConvertToSingle(halves, floats);
        for (int i = 0; i < halves.Length; i++)
        {
            var expected = (float)halves[i];
            if (float.IsNaN(expected))
            {
                Assert.True(float.IsNaN(floats[i]), $"0x{BitConverter.HalfToUInt16Bits(halves[i]):x4}");
            }
            else
            {
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(floats[i]), $"0x{BitConverter.HalfToUInt16Bits(halves[i]):x4}: {floats[i]} != {expected}");
            }
        }
    }

    [Fact]
    public unsafe void Finite_half_to_single_is_exact_for_every_finite_bit_pattern()
    {
        if (!System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
        {
            return; // the attention kernels that use it need AVX-512 and are never called without it
        }

        var bits = new ushort[65536];
        for (int i = 0; i < bits.Length; i++) bits[i] = (ushort)i;
        fixed (ushort* p = bits)
        {
            for (int i = 0; i < bits.Length; i += 16)
            {
                var widened = VectorOps.FiniteHalfToSingle(System.Runtime.Intrinsics.Vector256.Load(p + i));
                for (int lane = 0; lane < 16; lane++)
                {
                    var half = BitConverter.UInt16BitsToHalf((ushort)(i + lane));
                    if (Half.IsFinite(half))
                    {
                        Assert.True(BitConverter.SingleToInt32Bits((float)half) == BitConverter.SingleToInt32Bits(widened[lane]), $"0x{i + lane:x4}: {widened[lane]} != {(float)half}");
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(0x7C00, 0)] // +Inf in the first vector
    [InlineData(0xFC00, 40)] // -Inf in the second
    [InlineData(0x7E01, 66)] // a NaN in the scalar tail
    [InlineData(0xFFFF, 31)]
    public void Any_non_finite_finds_infinities_and_nans_anywhere(int pattern, int index)
    {
        var halves = Enumerable.Range(0, 67).Select(i => (Half)((i - 33) * 1000.5f)).ToArray();
        halves[5] = Half.MaxValue;
        halves[6] = Half.MinValue;
        halves[7] = BitConverter.UInt16BitsToHalf(0x0001); // the smallest subnormal
        Assert.False(VectorOps.AnyNonFinite(halves));
        halves[index] = BitConverter.UInt16BitsToHalf((ushort)pattern);
        Assert.True(VectorOps.AnyNonFinite(halves));
        Assert.False(VectorOps.AnyNonFinite(halves.AsSpan(index + 1)));
    }

    [Fact]
    public void Half_helpers_match_float_math()
    {
        var a = TestData.Floats(700, seed: 5);
        var bFloat = TestData.Floats(700, seed: 6);
        var b = new Half[700];
        VectorOps.ConvertToHalf(bFloat, b);
        var back = new float[700];
        VectorOps.ConvertToSingle(b, back);
        for (int i = 0; i < 700; i++) Assert.Equal((float)(Half)bFloat[i], back[i]);

        double dot = 0;
        for (int i = 0; i < 700; i++) dot += (double)a[i] * back[i];
        Assert.Equal(dot, VectorOps.Dot(a, b), 1e-3);

        var y = (float[])a.Clone();
        VectorOps.AddScaled(y, b, 0.5f);
        for (int i = 0; i < 700; i++) Assert.Equal(a[i] + 0.5 * back[i], y[i], 1e-5);

        VectorOps.Add(y, a);
        for (int i = 0; i < 700; i++) Assert.Equal(2 * a[i] + 0.5 * back[i], y[i], 1e-5);
    }
}

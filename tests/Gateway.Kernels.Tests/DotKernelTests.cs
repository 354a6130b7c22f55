namespace Gateway.Kernels.Tests;

/// <summary>Every SIMD variant against the scalar oracle, calling the kernels directly (no global state).</summary>
public unsafe class DotKernelTests
{
    public static TheoryData<GgmlType, int> QuantizedShapes()
    {
        var data = new TheoryData<GgmlType, int>();
        foreach (var type in new[] { GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q8_0 })
        {
            // Odd block counts and column counts that are not multiples of 256 exercise the tails.
            foreach (int cols in new[] { 32, 64, 96, 544, 576, 1536 }) data.Add(type, cols);
        }

        foreach (var type in new[] { GgmlType.Q4_K, GgmlType.Q6_K })
        {
            foreach (int cols in new[] { 256, 768, 1536 }) data.Add(type, cols);
        }

        return data;
    }

    public static TheoryData<GgmlType, int> FloatShapes()
    {
        var data = new TheoryData<GgmlType, int>();
        foreach (var type in new[] { GgmlType.F32, GgmlType.F16, GgmlType.BF16 })
        {
            foreach (int cols in new[] { 1, 7, 33, 576, 1000 }) data.Add(type, cols);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(QuantizedShapes))]
    public void Quantized_variants_match_the_scalar_oracle_on_random_data(GgmlType type, int cols)
    {
        var weights = TestData.Quantize(type, TestData.Floats(cols, seed: cols, scale: 0.2f));
        using var x = new Activations(1, cols);
        TestData.Floats(cols, seed: cols + 1, scale: 3f).CopyTo(x.Row(0));
        x.EnsureQuantized();

        float expected = Dot(KernelTable.Scalar, type, weights, x);
        double magnitude = AbsoluteDot(type, weights, x);
        foreach (var variant in SupportedSimdVariants())
        {
            float actual = Dot(KernelTable.For(variant), type, weights, x);
            Assert.True(Math.Abs(actual - expected) <= 1e-5 * magnitude + 1e-6, $"{type} x{cols} {variant}: {actual} vs scalar {expected} (magnitude {magnitude})");
        }

        // The oracle itself must agree with float math on the decoded values.
        double reference = 0;
        var w = TestData.Dequantize(type, weights, cols);
        var q = x.Quantized(0);
        for (int i = 0; i < cols; i++) reference += (double)w[i] * q.Quants[i] * q.Scales[i / 32];
        Assert.True(Math.Abs(reference - expected) <= 1e-4 * magnitude + 1e-6, $"{type} oracle {expected} vs decoded {reference}");
    }

    [Theory]
    [MemberData(nameof(QuantizedShapes))]
    public void Integer_parts_match_the_oracle_exactly(GgmlType type, int cols)
    {
        // With every scale 1 and small sub-scales the results are integers below 2^24, so any difference is an
        // integer error in a kernel, not float rounding.
        var weights = UnitScaleWeights(type, cols, new Random(cols * 31 + (int)type));
        var random = new Random(cols);
        int blocks = cols / 32;
        var quants = new sbyte[cols];
        var scales = new float[blocks];
        var sums = new int[blocks];
        var scaledSums = new float[blocks];
        for (int i = 0; i < cols; i++) quants[i] = (sbyte)random.Next(-127, 128);
        for (int b = 0; b < blocks; b++)
        {
            scales[b] = 1f;
            for (int j = 0; j < 32; j++) sums[b] += quants[32 * b + j];
            scaledSums[b] = sums[b];
        }

        fixed (byte* w = weights)
        fixed (sbyte* q = quants)
        fixed (float* d = scales, ss = scaledSums)
        fixed (int* s = sums)
        {
            float expected = KernelTable.Scalar.Quantized(type)(w, q, d, s, ss, blocks);
            Assert.Equal(MathF.Round(expected), expected);
            foreach (var variant in SupportedSimdVariants())
            {
                Assert.Equal(expected, KernelTable.For(variant).Quantized(type)(w, q, d, s, ss, blocks));
            }
        }
    }

    [Theory]
    [MemberData(nameof(FloatShapes))]
    public void Float_variants_match_the_scalar_oracle(GgmlType type, int cols)
    {
        var weights = TestData.Quantize(type, TestData.Floats(cols, seed: cols));
        var x = TestData.Floats(cols, seed: cols + 5);
        var w = TestData.Dequantize(type, weights, cols);
        double magnitude = 0;
        for (int i = 0; i < cols; i++) magnitude += Math.Abs((double)w[i] * x[i]);

        fixed (byte* pw = weights)
        fixed (float* px = x)
        {
            float expected = KernelTable.Scalar.Float(type)(pw, px, cols);
            foreach (var variant in SupportedSimdVariants())
            {
                float actual = KernelTable.For(variant).Float(type)(pw, px, cols);
                Assert.True(Math.Abs(actual - expected) <= 1e-5 * magnitude + 1e-7, $"{type} x{cols} {variant}: {actual} vs {expected}");
            }
        }
    }

    [Theory]
    [InlineData(GgmlType.Q4_0, 32)]
    [InlineData(GgmlType.Q4_0, 544)]
    [InlineData(GgmlType.Q8_0, 96)]
    [InlineData(GgmlType.Q8_0, 1536)]
    public void Four_row_kernels_match_the_scalar_oracle_row_by_row(GgmlType type, int cols)
    {
        var weights = TestData.Quantize(type, TestData.Floats(cols, seed: cols + 3, scale: 0.2f));
        using var x = new Activations(4, cols);
        for (int i = 0; i < 4; i++) TestData.Floats(cols, seed: 100 * i + cols, scale: 2f).CopyTo(x.Row(i));
        x.EnsureQuantized();
        var rows = stackalloc QuantizedRow[4];
        for (int i = 0; i < 4; i++) rows[i] = x.Quantized(i);

        int checkedVariants = 0;
        var results = stackalloc float[4];
        foreach (var variant in SupportedSimdVariants())
        {
            var batch = KernelTable.For(variant).Batch4(type);
            if (batch == null) continue;
            fixed (byte* w = weights)
            {
                batch(w, rows, x.BlocksPerRow, results);
            }

            for (int i = 0; i < 4; i++)
            {
                float expected;
                fixed (byte* w = weights)
                {
                    expected = KernelTable.Scalar.Quantized(type)(w, rows[i].Quants, rows[i].Scales, rows[i].Sums, rows[i].ScaledSums, x.BlocksPerRow);
                }

                double magnitude = AbsoluteDot(type, weights, x, i);
                Assert.True(Math.Abs(results[i] - expected) <= 1e-5 * magnitude + 1e-6, $"{type} {variant} row {i}: {results[i]} vs {expected}");
            }

            checkedVariants++;
        }

        Assert.Equal(SupportedSimdVariants().Count(), checkedVariants);
    }

    internal static IEnumerable<KernelVariant> SupportedSimdVariants() =>
        new[] { KernelVariant.Avx2, KernelVariant.AvxVnni, KernelVariant.Avx512 }.Where(KernelDispatch.IsSupported);

    private static float Dot(KernelTable table, GgmlType type, byte[] weights, Activations x)
    {
        var q = x.Quantized(0);
        fixed (byte* w = weights)
        {
            return table.Quantized(type)(w, q.Quants, q.Scales, q.Sums, q.ScaledSums, x.BlocksPerRow);
        }
    }

    /// <summary>sum |w_i * x_i| over the decoded values: the scale float rounding errors are relative to.</summary>
    private static double AbsoluteDot(GgmlType type, byte[] weights, Activations x, int row = 0)
    {
        var w = TestData.Dequantize(type, weights, x.Cols);
        var q = x.Quantized(row);
        double sum = 0;
        for (int i = 0; i < x.Cols; i++)
        {
            double wi = Math.Abs(w[i]) + (type == GgmlType.Q4_0 ? 8 * HalfScaleOfBlock(weights, i) : 0);
            sum += wi * Math.Abs(q.Quants[i] * q.Scales[i / 32]);
        }

        return sum;
    }

    private static double HalfScaleOfBlock(byte[] q4_0, int element) => Math.Abs((float)BitConverter.ToHalf(q4_0, element / 32 * 18));

    private static byte[] UnitScaleWeights(GgmlType type, int cols, Random random)
    {
        int blockBytes = GgmlTypeTraits.BlockBytes(type);
        int blocks = cols / GgmlTypeTraits.BlockSize(type);
        var bytes = new byte[blocks * blockBytes];
        random.NextBytes(bytes);
        for (int b = 0; b < blocks; b++)
        {
            int o = b * blockBytes;
            switch (type)
            {
                case GgmlType.Q4_0:
                case GgmlType.Q8_0:
                    TestData.WriteHalf(bytes, o, 1f);
                    break;
                case GgmlType.Q4_1:
                    TestData.WriteHalf(bytes, o, 1f);
                    TestData.WriteHalf(bytes, o + 2, 1f);
                    break;
                case GgmlType.Q4_K:
                    TestData.WriteHalf(bytes, o, 1f);
                    TestData.WriteHalf(bytes, o + 2, 1f);
                    // Keep the 6-bit scales and mins small (< 4, top bits clear) so sums stay below 2^24.
                    for (int k = 0; k < 8; k++) bytes[o + 4 + k] &= 0x03;
                    for (int k = 8; k < 12; k++) bytes[o + 4 + k] &= 0x33;
                    break;
                case GgmlType.Q6_K:
                    for (int k = 0; k < 16; k++) bytes[o + 192 + k] = (byte)(sbyte)random.Next(-4, 5);
                    TestData.WriteHalf(bytes, o + 208, 1f);
                    break;
            }
        }

        return bytes;
    }
}

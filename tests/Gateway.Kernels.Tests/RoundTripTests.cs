namespace Gateway.Kernels.Tests;

public class RoundTripTests
{
    /// <summary>Worst error allowed, as a fraction of the largest magnitude in the row (amax).</summary>
    [Theory]
    [InlineData(GgmlType.F32, 0.0)]
    [InlineData(GgmlType.F16, 0.001)]
    [InlineData(GgmlType.BF16, 0.008)]
    [InlineData(GgmlType.Q8_0, 0.01)]
    [InlineData(GgmlType.Q6_K, 0.05)]
    [InlineData(GgmlType.Q4_K, 0.12)]
    [InlineData(GgmlType.Q4_1, 0.12)]
    [InlineData(GgmlType.Q4_0, 0.15)]
    public void Quantize_then_dequantize_stays_within_the_formats_error(GgmlType type, double maxRelativeError)
    {
        const int n = 1024;
        var x = TestData.Floats(n, seed: 7, scale: 0.5f);
        var y = TestData.Dequantize(type, TestData.Quantize(type, x), n);

        double amax = x.Max(v => Math.Abs(v));
        double worst = 0, sumSquares = 0;
        for (int i = 0; i < n; i++)
        {
            double e = Math.Abs(x[i] - y[i]);
            worst = Math.Max(worst, e);
            sumSquares += e * e;
        }

        Assert.True(worst <= maxRelativeError * amax, $"{type}: worst error {worst} > {maxRelativeError} * {amax}");
        // The RMS error must be well below the worst case, i.e. the format is actually rounding, not clipping.
        Assert.True(Math.Sqrt(sumSquares / n) <= maxRelativeError * amax / 2 + 1e-9, $"{type}: RMS error too large");
    }

    [Theory]
    [InlineData(GgmlType.Q4_0)]
    [InlineData(GgmlType.Q4_1)]
    [InlineData(GgmlType.Q8_0)]
    [InlineData(GgmlType.Q4_K)]
    [InlineData(GgmlType.Q6_K)]
    public void All_zero_rows_stay_zero(GgmlType type)
    {
        var y = TestData.Dequantize(type, TestData.Quantize(type, new float[256]), 256);
        Assert.All(y, v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData(GgmlType.Q8_0)]
    [InlineData(GgmlType.Q4_K)]
    [InlineData(GgmlType.Q6_K)]
    public void Requantizing_dequantized_values_is_stable(GgmlType type)
    {
        // Values already on the grid must come back unchanged up to one rounding step of the grid.
        var x = TestData.Floats(512, seed: 11);
        var once = TestData.Dequantize(type, TestData.Quantize(type, x), x.Length);
        var twice = TestData.Dequantize(type, TestData.Quantize(type, once), x.Length);
        double amax = x.Max(v => Math.Abs(v));
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(Math.Abs(once[i] - twice[i]) <= 0.1 * amax, $"{type} element {i}: {once[i]} vs {twice[i]}");
        }
    }
}

namespace Gateway.Kernels.Tests;

[CollectionDefinition(nameof(GlobalKernelVariant), DisableParallelization = true)]
public sealed class GlobalKernelVariant;

/// <summary>Switches the process-wide variant, so it runs alone.</summary>
[Collection(nameof(GlobalKernelVariant))]
public class KernelVariantTests
{
    [Theory]
    [InlineData(GgmlType.Q4_0, 576)]
    [InlineData(GgmlType.Q8_0, 544)]
    [InlineData(GgmlType.Q4_1, 96)]
    [InlineData(GgmlType.Q4_K, 768)]
    [InlineData(GgmlType.Q6_K, 512)]
    [InlineData(GgmlType.F16, 100)]
    public void MatMul_with_each_forced_variant_matches_scalar(GgmlType type, int cols)
    {
        const int rows = 29, batch = 6; // one group of four for the batched kernels plus a tail of two
        using var weights = new TestMatrix(type, rows, cols, seed: cols);
        using var x = MatMulTests.RandomActivations(batch, cols, seed: 9);
        using var pool = new ComputePool(2);
        var original = KernelDispatch.Current;
        try
        {
            KernelDispatch.Use(KernelVariant.Scalar);
            var expected = new float[batch * rows];
            MatMul.Multiply(weights.Matrix, x, expected, pool);
            Assert.Equal(KernelVariant.Scalar, KernelDispatch.Current);

            foreach (var variant in DotKernelTests.SupportedSimdVariants())
            {
                KernelDispatch.Use(variant);
                var y = new float[batch * rows];
                MatMul.Multiply(weights.Matrix, x, y, pool);
                for (int k = 0; k < y.Length; k++)
                {
                    Assert.True(Math.Abs(y[k] - expected[k]) <= 1e-4f * (Math.Abs(expected[k]) + 1f), $"{variant} y[{k}] = {y[k]} vs {expected[k]}");
                }
            }
        }
        finally
        {
            KernelDispatch.Use(original);
        }
    }

    [Theory]
    [InlineData("scalar", KernelVariant.Scalar)]
    [InlineData(" AVX2 ", KernelVariant.Avx2)]
    [InlineData("avx512", KernelVariant.Avx512)]
    [InlineData("AvxVnni", KernelVariant.AvxVnni)]
    public void Environment_names_select_a_variant_the_cpu_supports(string name, KernelVariant variant)
    {
        var chosen = KernelDispatch.Choose(name);
        Assert.Equal(KernelDispatch.IsSupported(variant) ? variant : KernelDispatch.Best, chosen);
    }

    [Fact]
    public void Unknown_or_missing_names_select_the_best_variant()
    {
        Assert.Equal(KernelDispatch.Best, KernelDispatch.Choose(null));
        Assert.Equal(KernelDispatch.Best, KernelDispatch.Choose("neon"));
    }
}

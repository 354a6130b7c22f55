namespace Gateway.Kernels.Tests;

/// <summary>The packed path through MatMul: batch invariance, row ranges, threads, and agreement with the row kernels.</summary>
public unsafe class PackedMatMulTests
{
    [Theory]
    [InlineData(GgmlType.Q4_0, 37, 96)]
    [InlineData(GgmlType.Q8_0, 40, 160)]
    public void A_token_gets_the_same_bits_alone_or_in_any_batch_of_1_to_64(GgmlType type, int rows, int cols)
    {
        using var weights = new TestMatrix(type, rows, cols, seed: rows);
        var w = weights.Matrix.WithPackedCopy();
        using var packed = w.Packed!;
        const int pool = 70;
        var inputs = Enumerable.Range(0, pool).Select(i => TestData.Floats(cols, seed: 500 + i)).ToArray();
        foreach (var variant in GemmKernelTests.AllVariants())
        {
            var kernels = KernelTable.For(variant);
            var alone = new float[pool][];
            for (int i = 0; i < pool; i++) alone[i] = Multiply(packed, kernels, [inputs[i]], rows);

            for (int batch = 1; batch <= 64; batch++)
            {
                // Shift where the batch starts so each token sits at different tile positions across batch sizes.
                int start = batch * 5 % (pool - batch + 1);
                var y = Multiply(packed, kernels, inputs.Skip(start).Take(batch).ToArray(), rows);
                for (int t = 0; t < batch; t++)
                {
                    for (int r = 0; r < rows; r++)
                    {
                        Assert.True(alone[start + t][r].Equals(y[t * rows + r]), $"{variant} batch {batch} token {t} row {r}: {y[t * rows + r]} vs alone {alone[start + t][r]}");
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(GgmlType.Q4_0)]
    [InlineData(GgmlType.Q8_0)]
    public void Packed_products_agree_with_the_row_kernels(GgmlType type)
    {
        const int rows = 45, cols = 576, batch = 11;
        using var weights = new TestMatrix(type, rows, cols, seed: 5);
        var w = weights.Matrix.WithPackedCopy();
        using var packed = w.Packed!;
        using var x = MatMulTests.RandomActivations(batch, cols, seed: 6);
        var rowKernels = new float[batch * rows];
        var gemm = new float[batch * rows];
        MatMul.Multiply(weights.Matrix, x, rowKernels, ComputePool.Shared);
        MatMul.Multiply(w, x, gemm, ComputePool.Shared);
        for (int k = 0; k < gemm.Length; k++)
        {
            Assert.True(Math.Abs(gemm[k] - rowKernels[k]) <= 1e-4f * (Math.Abs(rowKernels[k]) + 1f), $"[{k}] {gemm[k]} vs {rowKernels[k]}");
        }
    }

    [Fact]
    public void MultiplyRows_on_packed_weights_writes_only_its_range()
    {
        using var weights = new TestMatrix(GgmlType.Q4_0, 40, 64, seed: 1);
        var w = weights.Matrix.WithPackedCopy();
        using var packed = w.Packed!;
        using var x = MatMulTests.RandomActivations(3, 64, seed: 2);
        var full = new float[120];
        MatMul.Multiply(w, x, full, ComputePool.Shared);
        foreach (var (from, to) in new[] { (3, 29), (16, 32), (0, 40), (33, 40), (7, 8) })
        {
            var partial = Enumerable.Repeat(float.NaN, 120).ToArray();
            MatMul.MultiplyRows(w, x, partial, from, to);
            for (int i = 0; i < 3; i++)
            {
                for (int r = 0; r < 40; r++)
                {
                    if (r >= from && r < to) Assert.Equal(full[i * 40 + r], partial[i * 40 + r]);
                    else Assert.True(float.IsNaN(partial[i * 40 + r]), $"[{from},{to}) wrote row {r}");
                }
            }
        }
    }

    [Fact]
    public void Pools_of_1_2_and_3_threads_give_the_same_bits()
    {
        using var weights = new TestMatrix(GgmlType.Q4_0, 100, 256, seed: 9);
        var w = weights.Matrix.WithPackedCopy();
        using var packed = w.Packed!;
        using var x = MatMulTests.RandomActivations(13, 256, seed: 10);
        float[]? first = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            using var pool = new ComputePool(threads);
            var y = new float[13 * 100];
            MatMul.Multiply(w, x, y, pool);
            first ??= y;
            Assert.Equal(first, y);
        }
    }

    private static float[] Multiply(PackedWeights packed, KernelTable kernels, float[][] tokens, int rows)
    {
        using var x = new Activations(tokens.Length, packed.Cols);
        for (int i = 0; i < tokens.Length; i++) tokens[i].CopyTo(x.Row(i));
        x.SetCount(tokens.Length);
        x.EnsureQuantized();
        var y = new float[tokens.Length * rows];
        fixed (float* py = y)
        {
            PackedMatMul.MultiplyRange(packed, x, py, 0, rows, kernels);
        }

        return y;
    }
}

namespace Gateway.Kernels.Tests;

public unsafe class MatMulTests
{
    [Theory]
    [InlineData(GgmlType.Q4_0, 37, 96, 1)]
    [InlineData(GgmlType.Q4_0, 67, 576, 5)]
    [InlineData(GgmlType.Q8_0, 50, 544, 3)]
    [InlineData(GgmlType.Q4_1, 33, 64, 2)]
    [InlineData(GgmlType.Q4_K, 21, 512, 4)]
    [InlineData(GgmlType.Q6_K, 19, 256, 3)]
    [InlineData(GgmlType.F32, 23, 45, 2)]
    [InlineData(GgmlType.F16, 17, 300, 3)]
    [InlineData(GgmlType.BF16, 9, 64, 1)]
    public void Pools_of_1_2_and_3_threads_give_the_single_thread_result(GgmlType type, int rows, int cols, int batch)
    {
        using var weights = new TestMatrix(type, rows, cols, seed: rows * cols);
        using var x = RandomActivations(batch, cols, seed: rows);

        var single = new float[batch * rows];
        fixed (float* y = single)
        {
            MatMul.MultiplyRange(weights.Matrix, EnsureForm(type, x), y, 0, rows, KernelDispatch.Table);
        }

        foreach (int threads in new[] { 1, 2, 3 })
        {
            using var pool = new ComputePool(threads);
            var y = new float[batch * rows];
            MatMul.Multiply(weights.Matrix, x, y, pool);
            Assert.Equal(single, y);
        }
    }

    [Theory]
    [InlineData(GgmlType.Q4_0)]
    [InlineData(GgmlType.Q8_0)]
    [InlineData(GgmlType.Q4_K)]
    [InlineData(GgmlType.F32)]
    public void Result_matches_the_decoded_weights_times_the_inputs(GgmlType type)
    {
        const int rows = 13, cols = 512, batch = 4;
        using var weights = new TestMatrix(type, rows, cols, seed: 42);
        using var x = RandomActivations(batch, cols, seed: 43);
        var y = new float[batch * rows];
        using var pool = new ComputePool(2);
        MatMul.Multiply(weights.Matrix, x, y, pool);

        for (int r = 0; r < rows; r++)
        {
            var w = TestData.Dequantize(type, weights.Matrix.Row(r).ToArray(), cols);
            for (int i = 0; i < batch; i++)
            {
                double expected = 0, magnitude = 0;
                var xi = x.Row(i);
                for (int c = 0; c < cols; c++)
                {
                    expected += (double)w[c] * xi[c];
                    magnitude += Math.Abs((double)w[c] * xi[c]);
                }

                // Quantized weights see int8 activations: about 1/127 of each block's range.
                double tolerance = type == GgmlType.F32 ? 1e-5 * magnitude : 0.02 * magnitude;
                Assert.True(Math.Abs(y[i * rows + r] - expected) <= tolerance, $"{type} y[{i},{r}] = {y[i * rows + r]}, expected {expected}");
            }
        }
    }

    [Fact]
    public void MultiplyRows_writes_only_its_range()
    {
        using var weights = new TestMatrix(GgmlType.Q4_0, 40, 64, seed: 1);
        using var x = RandomActivations(2, 64, seed: 2);
        var full = new float[80];
        MatMul.Multiply(weights.Matrix, x, full, ComputePool.Shared);

        var partial = Enumerable.Repeat(float.NaN, 80).ToArray();
        MatMul.MultiplyRows(weights.Matrix, x, partial, 10, 25);
        for (int i = 0; i < 2; i++)
        {
            for (int r = 0; r < 40; r++)
            {
                if (r is >= 10 and < 25) Assert.Equal(full[i * 40 + r], partial[i * 40 + r]);
                else Assert.True(float.IsNaN(partial[i * 40 + r]));
            }
        }
    }

    [Theory]
    [InlineData(GgmlType.Q4_0, true)]
    [InlineData(GgmlType.Q4_0, false)]
    [InlineData(GgmlType.Q8_0, true)]
    [InlineData(GgmlType.Q8_0, false)]
    [InlineData(GgmlType.Q4_1, true)]
    [InlineData(GgmlType.Q4_K, true)]
    [InlineData(GgmlType.Q6_K, true)]
    [InlineData(GgmlType.F32, false)]
    public void MultiplyTokens_gives_each_token_of_its_range_the_full_products_bits(GgmlType type, bool packed)
    {
        // Ranges that start and end inside tiles of 8, span several tiles, or hold one token: each thread of a step
        // split by tokens multiplies its own range, and a token must not see where the range was cut.
        int cols = type is GgmlType.Q4_K or GgmlType.Q6_K ? 512 : 96;
        using var matrix = new TestMatrix(type, 37, cols, seed: 8);
        var w = packed ? matrix.Matrix.WithPackedCopy() : matrix.Matrix;
        Assert.Equal(packed, w.Packed is not null);
        try
        {
            const int tokens = 21;
            using var x = EnsureForm(type, RandomActivations(tokens, cols, seed: 9));
            var full = new float[tokens * w.Rows];
            MatMul.Multiply(w, x, full, ComputePool.Shared);
            foreach (var (start, end) in new[] { (0, 21), (3, 13), (8, 16), (13, 21), (5, 6), (0, 8), (16, 17) })
            {
                var ranged = Enumerable.Repeat(float.NaN, full.Length).ToArray();
                MatMul.MultiplyTokens(w, x, ranged, start, end);
                for (int i = 0; i < tokens; i++)
                {
                    for (int r = 0; r < w.Rows; r++)
                    {
                        var at = i * w.Rows + r;
                        if (i >= start && i < end) Assert.True(BitConverter.SingleToInt32Bits(full[at]) == BitConverter.SingleToInt32Bits(ranged[at]), $"[{start}, {end}): token {i}, row {r}");
                        else Assert.True(float.IsNaN(ranged[at]), $"[{start}, {end}) wrote token {i}, row {r}");
                    }
                }
            }

            // Row pieces of one token range (cut inside 16-row groups too) add up to the range's product.
            var pieces = Enumerable.Repeat(float.NaN, full.Length).ToArray();
            foreach (var (rowStart, rowEnd) in new[] { (0, 16), (16, 21), (21, 37) })
            {
                MatMul.MultiplyTokens(w, x, pieces, 3, 13, rowStart, rowEnd);
            }

            for (int i = 3; i < 13; i++)
            {
                for (int r = 0; r < w.Rows; r++)
                {
                    Assert.True(BitConverter.SingleToInt32Bits(full[i * w.Rows + r]) == BitConverter.SingleToInt32Bits(pieces[i * w.Rows + r]), $"row pieces: token {i}, row {r}");
                }
            }

            Assert.Throws<ArgumentOutOfRangeException>(() => MatMul.MultiplyTokens(w, x, full, 4, 22));
            Assert.Throws<ArgumentOutOfRangeException>(() => MatMul.MultiplyTokens(w, x, full, 0, 4, 30, 38));
            Assert.Throws<ArgumentException>(() => MatMul.MultiplyTokens(w, x, new float[(10 * w.Rows) - 1], 0, 10));
        }
        finally
        {
            if (packed) w.Packed!.Dispose();
        }
    }

    [Fact]
    public void Changing_the_inputs_requantizes_them()
    {
        using var weights = new TestMatrix(GgmlType.Q8_0, 8, 64, seed: 5);
        using var x = RandomActivations(1, 64, seed: 6);
        var first = new float[8];
        MatMul.Multiply(weights.Matrix, x, first, ComputePool.Shared);

        var row = x.Row(0);
        for (int c = 0; c < row.Length; c++) row[c] *= -2f;
        var second = new float[8];
        MatMul.Multiply(weights.Matrix, x, second, ComputePool.Shared);
        for (int r = 0; r < 8; r++) Assert.Equal(-2f * first[r], second[r], 0.02f * Math.Abs(first[r]) + 1e-3f);
    }

    [Fact]
    public void Rejects_mismatched_shapes()
    {
        using var weights = new TestMatrix(GgmlType.Q4_0, 4, 64, seed: 1);
        using var wrongCols = new Activations(1, 96);
        using var x = new Activations(2, 64);
        Assert.Throws<ArgumentException>(() => MatMul.Multiply(weights.Matrix, wrongCols, new float[4], ComputePool.Shared));
        Assert.Throws<ArgumentException>(() => MatMul.Multiply(weights.Matrix, x, new float[7], ComputePool.Shared));
        Assert.Throws<ArgumentOutOfRangeException>(() => MatMul.MultiplyRows(weights.Matrix, x, new float[8], 3, 5));
    }

    internal static Activations RandomActivations(int batch, int cols, int seed)
    {
        var x = new Activations(batch, cols);
        for (int i = 0; i < batch; i++) TestData.Floats(cols, seed + 1000 * i).CopyTo(x.Row(i));
        x.SetCount(batch);
        return x;
    }

    private static Activations EnsureForm(GgmlType type, Activations x)
    {
        if (!GgmlTypeTraits.IsFloat(type)) x.EnsureQuantized();
        return x;
    }
}

/// <summary>A quantized random matrix in pinned native memory, as a memory-mapped file would provide.</summary>
internal sealed unsafe class TestMatrix : IDisposable
{
    private readonly byte* _data;

    public TestMatrix(GgmlType type, int rows, int cols, int seed)
    {
        int rowBytes = (int)GgmlTypeTraits.RowBytes(type, cols);
        _data = (byte*)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)(rows * rowBytes));
        for (int r = 0; r < rows; r++)
        {
            var bytes = TestData.Quantize(type, TestData.Floats(cols, seed + r, 0.1f));
            bytes.CopyTo(new Span<byte>(_data + r * rowBytes, rowBytes));
        }

        Matrix = new WeightMatrix(_data, type, rows, cols);
    }

    public WeightMatrix Matrix { get; }

    public void Dispose() => System.Runtime.InteropServices.NativeMemory.Free(_data);
}

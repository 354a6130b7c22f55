namespace Gateway.Kernels.Tests;

public unsafe class ActivationsTests
{
    [Fact]
    public void Vector_and_scalar_rounding_give_the_same_quants_including_ties()
    {
        var x = TestData.Floats(32, seed: 8, scale: 10f);
        x[3] = 0.5f;
        x[4] = 1.5f;
        x[5] = -2.5f;
        var vectorQuants = new sbyte[32];
        var scalarQuants = new sbyte[32];
        fixed (float* px = x)
        fixed (sbyte* v = vectorQuants, s = scalarQuants)
        {
            // id = 1 keeps the ties exact: 0.5 -> 0, 1.5 -> 2, -2.5 -> -2 (half to even).
            int vectorSum = ActivationQuantizer.RoundBlockVector(px, 1f, v);
            int scalarSum = ActivationQuantizer.RoundBlockScalar(px, 1f, s);
            Assert.Equal(scalarQuants, vectorQuants);
            Assert.Equal(scalarSum, vectorSum);
            Assert.Equal(scalarQuants.Sum(q => q), scalarSum);
            Assert.Equal(new sbyte[] { 0, 2, -2 }, scalarQuants[3..6]);
        }
    }

    [Theory]
    [InlineData(3, 96)]
    [InlineData(3, 2048)]
    [InlineData(19, 96)] // two whole tiles, then three rows of a third
    [InlineData(19, 768)] // 24 blocks: the scales' last run of 16 is cut short
    [InlineData(8, 8224)] // 257 blocks: more than one run of scales
    public void Both_int8_forms_hold_the_scalar_quants_scales_sums_and_lane_offsets(int rows, int cols)
    {
        // Whatever path this machine takes (on AVX-512 whole tiles at once and the rest row by row: scales first,
        // then each block written from registers), every block must equal the scalar reference: scale amax / 127,
        // quants rounded half to even, and the tile slot holding the same quads, scale, sum and lane offsets. Blocks
        // of zeros, ties and extremes.
        using var x = new Activations(rows, cols);
        var source = new float[rows][];
        for (int r = 0; r < rows; r++)
        {
            source[r] = TestData.Floats(cols, seed: 40 + r, scale: r % 3 == 1 ? 1e-3f : 30f);
            Array.Clear(source[r], 32, 32); // an all-zero block
            source[r][64] = 127f; // a block whose maximum meets scale 1: ties at .5 follow
            for (int j = 65; j < 96; j++) source[r][j] = (j % 7) - 3.5f;
            source[r].CopyTo(x.Row(r));
        }

        x.EnsureQuantized();
        int blocks = cols / 32;
        for (int r = 0; r < rows; r++)
        {
            var q = x.Quantized(r);
            var tile = x.Tile(r / PackedLayout.TileTokens);
            int slot = r % PackedLayout.TileTokens;
            var expected = new sbyte[32];
            for (int b = 0; b < blocks; b++)
            {
                var block = source[r].AsSpan(32 * b, 32).ToArray();
                float d = block.Max(MathF.Abs) / 127;
                fixed (float* px = block)
                fixed (sbyte* e = expected)
                {
                    ActivationQuantizer.RoundBlockScalar(px, d != 0 ? 1f / d : 0f, e);
                }

                int sum = expected.Sum(v => v);
                Assert.Equal(d, q.Scales[b]);
                Assert.Equal(sum, q.Sums[b]);
                Assert.Equal(d * sum, q.ScaledSums[b]);
                int[] byColumn = new int[8];
                for (int j = 0; j < 32; j++)
                {
                    Assert.Equal(expected[j], q.Quants[(32 * b) + j]);
                    Assert.Equal(expected[j], tile.Quants[(b * PackedLayout.TileBlockBytes) + (j / 4 * 4 * PackedLayout.TileTokens) + (4 * slot) + (j % 4)]);
                    byColumn[(j / 16 * 4) + (j % 4)] += expected[j];
                }

                int* sums = tile.Sums + (b * PackedLayout.TileSumInts) + slot;
                Assert.Equal(d, tile.Scales[(b * PackedLayout.TileTokens) + slot]);
                Assert.Equal(sum, sums[0]);
                int low = byColumn[0] + byColumn[1], high = byColumn[2] + byColumn[3], lowSecond = byColumn[4] + byColumn[5], highSecond = byColumn[6] + byColumn[7];
                Assert.Equal(ActivationQuantizer.LaneOffset(PackedLayout.Q4_0Offset, low + lowSecond, high + highSecond), sums[PackedLayout.Q4_0LaneOffsets]);
                Assert.Equal(ActivationQuantizer.LaneOffset(PackedLayout.Q6_KOffset, low, high), sums[PackedLayout.Q6_KLaneOffsets]);
                Assert.Equal(ActivationQuantizer.LaneOffset(PackedLayout.Q6_KOffset, lowSecond, highSecond), sums[PackedLayout.Q6_KLaneOffsets + PackedLayout.TileTokens]);
            }
        }
    }

    [Fact]
    public void Quantized_blocks_hold_scale_sum_and_scaled_sum()
    {
        using var x = new Activations(2, 64);
        TestData.Floats(64, seed: 1).CopyTo(x.Row(0));
        TestData.Floats(64, seed: 2).CopyTo(x.Row(1));
        x.EnsureQuantized();

        for (int row = 0; row < 2; row++)
        {
            var source = TestData.Floats(64, seed: row + 1);
            var q = x.Quantized(row);
            for (int b = 0; b < 2; b++)
            {
                float amax = source.Skip(32 * b).Take(32).Max(MathF.Abs);
                Assert.Equal(amax / 127, q.Scales[b]);
                int sum = 0;
                for (int j = 0; j < 32; j++)
                {
                    sum += q.Quants[32 * b + j];
                    Assert.True(Math.Abs(source[32 * b + j] - q.Quants[32 * b + j] * q.Scales[b]) <= q.Scales[b] / 2 * 1.0001f);
                }

                Assert.Equal(sum, q.Sums[b]);
                Assert.Equal(q.Scales[b] * sum, q.ScaledSums[b]);
            }
        }
    }

    [Theory]
    [InlineData(3)] // below the split: quantized on the calling thread
    [InlineData(4)]
    [InlineData(17)] // rows that do not divide evenly across threads
    public void Quantizing_across_the_pool_gives_the_same_int8_form_and_products_as_one_thread(int rows)
    {
        using var pool = new ComputePool(2);
        using var serial = new Activations(rows, 96);
        using var parallel = new Activations(rows, 96);
        for (int r = 0; r < rows; r++)
        {
            TestData.Floats(96, seed: 40 + r, scale: 3f).CopyTo(serial.Row(r));
            TestData.Floats(96, seed: 40 + r, scale: 3f).CopyTo(parallel.Row(r));
        }

        serial.EnsureQuantized();
        parallel.EnsureQuantized(pool);

        for (int r = 0; r < rows; r++)
        {
            var a = serial.Quantized(r);
            var b = parallel.Quantized(r);
            Assert.Equal(new ReadOnlySpan<sbyte>(a.Quants, 96), new ReadOnlySpan<sbyte>(b.Quants, 96));
            Assert.Equal(new ReadOnlySpan<float>(a.Scales, 3), new ReadOnlySpan<float>(b.Scales, 3));
            Assert.Equal(new ReadOnlySpan<int>(a.Sums, 3), new ReadOnlySpan<int>(b.Sums, 3));
        }

        // The interleaved tiles the GEMM kernels read are the same too: a Q4_0 product over all rows matches bit for bit.
        using var weights = new TestMatrix(GgmlType.Q4_0, 32, 96, seed: 9);
        var ySerial = new float[rows * 32];
        var yParallel = new float[rows * 32];
        MatMul.Multiply(weights.Matrix, serial, ySerial, pool);
        MatMul.Multiply(weights.Matrix, parallel, yParallel, pool);
        Assert.Equal(ySerial, yParallel);
    }

    [Fact]
    public void Rows_quantized_by_their_writers_count_as_quantized_and_match_a_whole_quantization()
    {
        // Two threads each quantize the rows they wrote (as the engine's per-row stages do), then the form is
        // declared current: products match a fresh EnsureQuantized bit for bit, and a later write makes it stale.
        const int rows = 11;
        using var pool = new ComputePool(2);
        using var whole = new Activations(rows, 96);
        using var staged = new Activations(rows, 96);
        for (int r = 0; r < rows; r++)
        {
            TestData.Floats(96, seed: 60 + r, scale: 2f).CopyTo(whole.Row(r));
        }

        var work = new WriteAndQuantizeWork(staged, rows);
        pool.Run(ref work);
        staged.MarkQuantized(rows);
        whole.EnsureQuantized();

        using var weights = new TestMatrix(GgmlType.Q4_0, 32, 96, seed: 7);
        var yWhole = new float[rows * 32];
        var yStaged = new float[rows * 32];
        MatMul.Multiply(weights.Matrix, whole, yWhole, pool);
        MatMul.Multiply(weights.Matrix, staged, yStaged, pool);
        Assert.Equal(rows, staged.Count);
        Assert.Equal(yWhole, yStaged);

        staged.Row(0).Fill(0f);
        MatMul.Multiply(weights.Matrix, staged, yStaged, pool);
        Assert.All(yStaged[..32], v => Assert.Equal(0f, v));
    }

    private readonly struct WriteAndQuantizeWork(Activations x, int rows) : IComputeWork
    {
        public void Execute(int threadIndex, int threadCount)
        {
            int from = rows * threadIndex / threadCount, to = rows * (threadIndex + 1) / threadCount;
            for (int r = from; r < to; r++)
            {
                TestData.Floats(96, seed: 60 + r, scale: 2f).CopyTo(x.Row(r));
            }

            x.QuantizeRange(from, to);
        }
    }

    [Fact]
    public void Writing_a_row_marks_the_int8_form_stale()
    {
        using var x = new Activations(1, 32);
        x.Row(0).Fill(1f);
        x.EnsureQuantized();
        Assert.Equal(127, x.Quantized(0).Quants[0]);

        x.Row(0).Fill(-1f);
        x.EnsureQuantized();
        Assert.Equal(-127, x.Quantized(0).Quants[0]);
    }

    [Fact]
    public void Writing_a_range_of_rows_marks_the_int8_form_stale_and_reaches_each_row()
    {
        using var x = new Activations(4, 32);
        x.Rows(0, 4).Fill(1f);
        x.EnsureQuantized();
        Assert.Equal(127, x.Quantized(3).Quants[31]);

        var middle = x.Rows(1, 3);
        Assert.Equal(2 * 32, middle.Length);
        middle[32..].Fill(-1f); // row 2
        x.EnsureQuantized();
        Assert.Equal(127, x.Quantized(1).Quants[0]);
        Assert.Equal(-127, x.Quantized(2).Quants[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Rows(3, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Rows(2, 1));
    }

    [Fact]
    public void Quantizing_needs_whole_blocks()
    {
        using var x = new Activations(1, 45);
        Assert.Throws<InvalidOperationException>(() => x.EnsureQuantized());
        Assert.Throws<ArgumentOutOfRangeException>(() => x.SetCount(2));
    }
}

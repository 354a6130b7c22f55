using System.Runtime.InteropServices;
namespace Gateway.Kernels.Tests;

/// <summary>
/// The packed GEMM path, every variant called directly (no global state): exact agreement with an oracle computed from
/// the ggml rows, on random data with edge blocks mixed in, every tile width, and K/N that are not multiples of the tile.
/// Exact, not within a tolerance: the integer block sums are exact by construction, and every variant follows the same
/// float contract (see GemmScalar), so any difference is a bug.
/// </summary>
public unsafe class GemmKernelTests
{
    public static TheoryData<GgmlType, int, int> Shapes()
    {
        var data = new TheoryData<GgmlType, int, int>();
        foreach (var type in new[] { GgmlType.Q4_0, GgmlType.Q8_0, GgmlType.Q4_1 })
        {
            data.Add(type, 16, 32);     // one group, one block
            data.Add(type, 37, 96);     // a partial group
            data.Add(type, 50, 544);    // odd block count
            data.Add(type, 33, 2048);   // long K: int16 pair sums accumulate over many blocks' worth of calls
        }

        // Q4_K and Q6_K rows are whole 256-value super-blocks.
        foreach (var type in new[] { GgmlType.Q4_K, GgmlType.Q6_K })
        {
            data.Add(type, 16, 256);
            data.Add(type, 37, 768);
            data.Add(type, 33, 2048);
        }

        return data;
    }

    internal static IEnumerable<KernelVariant> AllVariants() => new[] { KernelVariant.Scalar }.Concat(DotKernelTests.SupportedSimdVariants());

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_variant_equals_the_row_oracle_exactly_for_every_tile_width(GgmlType type, int rows, int cols)
    {
        using var matrix = new EdgeMatrix(type, rows, cols, seed: rows * 31 + cols);
        var w = matrix.Matrix.WithPackedCopy();
        using var packed = w.Packed!;
        foreach (int batch in new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 17 })
        {
            using var x = EdgeActivations(batch, cols, seed: batch);
            x.EnsureQuantized();
            foreach (var variant in AllVariants())
            {
                var y = new float[batch * rows];
                fixed (float* py = y)
                {
                    PackedMatMul.MultiplyRange(packed, x, py, 0, rows, KernelTable.For(variant));
                }

                for (int t = 0; t < batch; t++)
                {
                    for (int r = 0; r < rows; r++)
                    {
                        float expected = EdgeMatrix.Oracle(matrix.Matrix, r, x, t);
                        Assert.True(
                            expected.Equals(y[t * rows + r]),
                            $"{variant} {type} {rows}x{cols} batch {batch}: y[{t},{r}] = {y[t * rows + r]}, oracle {expected}");
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(GgmlType.Q4_0, 160)]
    [InlineData(GgmlType.Q8_0, 160)]
    [InlineData(GgmlType.Q4_1, 160)]
    [InlineData(GgmlType.Q4_K, 512)]
    [InlineData(GgmlType.Q6_K, 512)]
    public void Each_SIMD_kernel_matches_the_scalar_kernel_on_one_group(GgmlType type, int cols)
    {
        // The kernels themselves, one group and one tile, all token counts: the drivers' tiling is not involved.
        using var matrix = new EdgeMatrix(type, 16, cols, seed: 7);
        var w = matrix.Matrix.WithPackedCopy();
        using var packed = w.Packed!;
        using var x = EdgeActivations(8, cols, seed: 8);
        x.EnsureQuantized();
        var tile = x.Tile(0);
        var expected = new float[8 * 16];
        for (int tokens = 1; tokens <= 8; tokens++)
        {
            fixed (float* e = expected)
            {
                KernelTable.Scalar.Gemm(type)(packed.Group(0), cols / 32, tile.Quants, tile.Scales, tile.Sums, tokens, e, 16);
            }

            foreach (var variant in DotKernelTests.SupportedSimdVariants())
            {
                var y = Enumerable.Repeat(float.NaN, 8 * 16).ToArray();
                fixed (float* py = y)
                {
                    KernelTable.For(variant).Gemm(type)(packed.Group(0), cols / 32, tile.Quants, tile.Scales, tile.Sums, tokens, py, 16);
                }

                for (int k = 0; k < 8 * 16; k++)
                {
                    if (k < tokens * 16) Assert.True(expected[k].Equals(y[k]), $"{variant} {type} tokens {tokens}: [{k}] {y[k]} vs scalar {expected[k]}");
                    else Assert.True(float.IsNaN(y[k]), $"{variant} {type} tokens {tokens} wrote past its tokens at [{k}]");
                }
            }
        }
    }

    [Theory]
    [InlineData(0x00, 0x00, 5f, false)]
    [InlineData(0x00, 0x00, -5f, false)]
    [InlineData(0xFF, 0xFF, 5f, false)]
    [InlineData(0xFF, 0xFF, -5f, false)]
    [InlineData(0x0F, 0x0F, 5f, false)]
    [InlineData(0xFF, 0x00, 5f, true)]
    [InlineData(0x00, 0xFF, 5f, true)]
    public void Q4_0_int16_lane_sums_hold_at_the_extremes(byte nibbles, byte otherHalfNibbles, float activation, bool halvesOpposed)
    {
        // Every weight at -8 or 7 (or the two mixed) against every activation at +-127: the largest half-lane sums
        // the 512-bit kernel keeps in int16, started from the lane offsets (PackedLayout.TileSumInts). With weights
        // and activations differing between the halves (columns 4k, 4k + 1 against 4k + 2, 4k + 3), an offset put in
        // the wrong half overflows one half only, and the block's dot comes out wrong.
        const int cols = 64;
        var data = (byte*)NativeMemory.Alloc(16 * 2 * 18);
        try
        {
            for (int block = 0; block < 16 * 2; block++)
            {
                *(ushort*)(data + block * 18) = BitConverter.HalfToUInt16Bits((Half)0.5f);
                for (int j = 0; j < 16; j++)
                {
                    // Byte j holds columns j and j + 16, which meet the same half of a lane.
                    data[(block * 18) + 2 + j] = j % 4 < 2 ? nibbles : otherHalfNibbles;
                }
            }

            var matrix = new WeightMatrix(data, GgmlType.Q4_0, 16, cols);
            var w = matrix.WithPackedCopy();
            using var packed = w.Packed!;
            using var x = new Activations(8, cols);
            for (int t = 0; t < 8; t++)
            {
                var row = x.Row(t);
                for (int c = 0; c < cols; c++)
                {
                    row[c] = (t % 2 == 0 ? activation : -activation) * (halvesOpposed && c % 4 >= 2 ? -1 : 1);
                }
            }

            x.SetCount(8);
            x.EnsureQuantized();
            foreach (var variant in AllVariants())
            {
                var y = new float[8 * 16];
                fixed (float* py = y)
                {
                    PackedMatMul.MultiplyRange(packed, x, py, 0, 16, KernelTable.For(variant));
                }

                for (int t = 0; t < 8; t++)
                {
                    for (int r = 0; r < 16; r++)
                    {
                        float expected = EdgeMatrix.Oracle(matrix, r, x, t);
                        Assert.True(expected.Equals(y[t * 16 + r]), $"{variant} nibbles {nibbles:X2}/{otherHalfNibbles:X2} x {activation}, halves opposed {halvesOpposed}: y[{t},{r}] = {y[t * 16 + r]}, oracle {expected}");
                    }
                }
            }
        }
        finally
        {
            NativeMemory.Free(data);
        }
    }

    [Fact]
    public void Packing_keeps_the_rows_and_pads_the_last_group()
    {
        using var matrix = new EdgeMatrix(GgmlType.Q4_0, 20, 64, seed: 3);
        var w = matrix.Matrix.WithPackedCopy();
        using var packed = w.Packed!;
        Assert.Equal(2, packed.Groups);
        Assert.Equal(2L * 2 * PackedLayout.Q4_0BlockBytes, packed.ByteSize);
        Assert.Same(packed, w.WithPackedCopy().Packed); // packing twice is a no-op
        Assert.True(w.Data == matrix.Matrix.Data);       // row lookups still read the original
        var scales = (float*)packed.Group(1);
        for (int r = 4; r < 16; r++) Assert.Equal(0f, scales[r]); // rows 20..31 do not exist: zero scale
    }

    [Fact]
    public void Types_without_a_packed_layout_are_left_alone()
    {
        using var weights = new TestMatrix(GgmlType.F16, 4, 256, seed: 1);
        Assert.Null(weights.Matrix.WithPackedCopy().Packed);
        Assert.False(PackedWeights.Supports(GgmlType.BF16));
    }

    [Fact]
    public void Q6_K_packing_keeps_every_value_exactly()
    {
        // Lossless: scale x signed value from the packed block equals ggml's dequantized value for every element.
        using var matrix = new EdgeMatrix(GgmlType.Q6_K, 20, 512, seed: 6);
        var w = matrix.Matrix.WithPackedCopy();
        using var packed = w.Packed!;
        var expected = new float[512];
        for (int row = 0; row < 20; row++)
        {
            Dequantizer.DequantizeRow(GgmlType.Q6_K, new ReadOnlySpan<byte>(matrix.Matrix.Data + (nint)row * matrix.Matrix.RowBytes, matrix.Matrix.RowBytes), expected);
            byte* block = packed.Group(row / 16);
            int r = row % 16;
            for (int b = 0; b < 16; b++, block += PackedLayout.Q6_KBlockBytes)
            {
                byte* qs = block + 2 * PackedLayout.ScaleBytes + r * 4;
                for (int col = 0; col < 32; col++)
                {
                    float scale = ((float*)block)[(col / 16) * 16 + r];
                    int value = (sbyte)(qs[(col / 4) * 64 + col % 4] ^ 0x80);
                    Assert.Equal(expected[b * 32 + col], scale * value, 0f);
                }
            }
        }
    }

    [Theory]
    [InlineData(GgmlType.Q4_1)]
    [InlineData(GgmlType.Q4_K)]
    public void Affine_packing_keeps_every_value_exactly(GgmlType type)
    {
        // Lossless: scale * q + min from the packed block equals ggml's dequantized value for every element.
        using var matrix = new EdgeMatrix(type, 20, 512, seed: 5);
        var w = matrix.Matrix.WithPackedCopy();
        using var packed = w.Packed!;
        var expected = new float[512];
        for (int row = 0; row < 20; row++)
        {
            Dequantizer.DequantizeRow(type, new ReadOnlySpan<byte>(matrix.Matrix.Data + (nint)row * matrix.Matrix.RowBytes, matrix.Matrix.RowBytes), expected);
            byte* block = packed.Group(row / 16);
            int r = row % 16;
            for (int b = 0; b < 16; b++, block += PackedLayout.AffineQ4BlockBytes)
            {
                float scale = ((float*)block)[r], min = ((float*)block)[16 + r];
                byte* qs = block + PackedLayout.ScaleBytes + PackedLayout.MinBytes + r * 4;
                for (int c = 0; c < 4; c++)
                {
                    for (int j = 0; j < 4; j++)
                    {
                        int low = qs[c * 64 + j] & 0x0F, high = qs[c * 64 + j] >> 4;
                        Assert.Equal(expected[b * 32 + 4 * c + j], (scale * low) + min, 0f);
                        Assert.Equal(expected[b * 32 + 16 + 4 * c + j], (scale * high) + min, 0f);
                    }
                }
            }
        }
    }

    /// <summary>Random activations with an all-zero block, a block at one extreme value, and huge and tiny magnitudes.</summary>
    internal static Activations EdgeActivations(int batch, int cols, int seed)
    {
        var x = new Activations(batch, cols);
        for (int i = 0; i < batch; i++)
        {
            var row = x.Row(i);
            TestData.Floats(cols, seed + 1000 * i, scale: (i % 3) switch { 0 => 1f, 1 => 1e4f, _ => 1e-4f }).CopyTo(row);
            if (cols >= 64)
            {
                row.Slice(0, 32).Clear();
                row.Slice(32, 32).Fill(i % 2 == 0 ? -5f : 5f);
            }
        }

        x.SetCount(batch);
        return x;
    }
}

namespace Gateway.Kernels.Tests;

public class GgmlTypeTraitsTests
{
    [Theory]
    [InlineData(GgmlType.F32, 1, 4)]
    [InlineData(GgmlType.F16, 1, 2)]
    [InlineData(GgmlType.BF16, 1, 2)]
    [InlineData(GgmlType.Q4_0, 32, 18)]
    [InlineData(GgmlType.Q4_1, 32, 20)]
    [InlineData(GgmlType.Q8_0, 32, 34)]
    [InlineData(GgmlType.Q4_K, 256, 144)]
    [InlineData(GgmlType.Q6_K, 256, 210)]
    [InlineData(GgmlType.Q8_K, 256, 292)]
    public void Block_geometry_matches_ggml(GgmlType type, int blockSize, int blockBytes)
    {
        Assert.Equal(blockSize, GgmlTypeTraits.BlockSize(type));
        Assert.Equal(blockBytes, GgmlTypeTraits.BlockBytes(type));
        Assert.Equal(3L * blockBytes, GgmlTypeTraits.RowBytes(type, 3L * blockSize));
    }

    [Fact]
    public void RowBytes_rejects_partial_blocks()
    {
        Assert.Throws<ArgumentException>(() => GgmlTypeTraits.RowBytes(GgmlType.Q4_0, 48));
        Assert.Throws<ArgumentException>(() => GgmlTypeTraits.RowBytes(GgmlType.Q4_K, 288));
    }

    [Fact]
    public void Supported_types_are_exactly_the_ones_we_compute_with()
    {
        var supported = Enum.GetValues<GgmlType>().Where(GgmlTypeTraits.IsSupported).ToArray();
        Assert.Equal(
            new[] { GgmlType.F32, GgmlType.F16, GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q8_0, GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.BF16 },
            supported);
        Assert.Equal("Q4_K", GgmlTypeTraits.Name(GgmlType.Q4_K));
        Assert.Equal("BF16", GgmlTypeTraits.Name(GgmlType.BF16));
    }
}

namespace Gateway.Kernels.Tests;

/// <summary>Scoring several queries at once against one key block gives each query exactly its own scores.</summary>
public sealed unsafe class AttentionOpsTests
{
    [Theory]
    [InlineData(1, 16, 16)]
    [InlineData(2, 16, 16)]
    [InlineData(3, 16, 7)]
    [InlineData(4, 16, 16)]
    [InlineData(4, 24, 24)]
    [InlineData(3, 8, 5)]
    [InlineData(4, 64, 50)]
    public void ScoresGroup_is_bit_identical_to_Scores_per_query(int count, int stride, int length)
    {
        const int headDim = 64;
        var keys = TestData.Floats((headDim * stride) + AttentionOps.KeyPadding, seed: 11);
        var q = TestData.Floats(AttentionOps.MaxGroupQueries * headDim, seed: 12);
        var scoreStride = stride + AttentionOps.KeyPadding;
        var grouped = new float[AttentionOps.MaxGroupQueries * scoreStride];
        var single = new float[scoreStride];
        fixed (float* k = keys)
        fixed (float* qs = q)
        fixed (float* g = grouped)
        fixed (float* one = single)
        {
            var queries = stackalloc float*[AttentionOps.MaxGroupQueries];
            for (var i = 0; i < count; i++)
            {
                queries[i] = qs + (i * headDim);
            }

            AttentionOps.ScoresGroup(queries, count, k, headDim, stride, length, 0.125f, g, scoreStride);
            for (var i = 0; i < count; i++)
            {
                AttentionOps.Scores(queries[i], k, headDim, stride, length, 0.125f, one);
                for (var p = 0; p < length; p++)
                {
                    Assert.True(
                        BitConverter.SingleToInt32Bits(single[p]) == BitConverter.SingleToInt32Bits(grouped[(i * scoreStride) + p]),
                        $"query {i}, position {p}: {grouped[(i * scoreStride) + p]} != {single[p]}");
                }
            }
        }
    }
}

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

    [Theory]
    [InlineData(1, 16, 1)]
    [InlineData(1, 16, 33)]
    [InlineData(1, 16, 64)]
    [InlineData(1, 16, 130)]
    [InlineData(1, 32, 100)]
    [InlineData(2, 16, 47)]
    [InlineData(3, 32, 70)]
    [InlineData(4, 16, 16)]
    public void Reading_the_fp16_cache_directly_gives_the_bits_of_widening_it_first(int count, int blockSize, int length)
    {
        if (!AttentionOps.ReadsF16Directly)
        {
            return; // the engine widens into scratch on such hardware and never calls these
        }

        const int headDim = 64;
        const int kvDim = 3 * headDim;
        const int head = 1;
        var blocks = (length + blockSize - 1) / blockSize;

        // The cache: blocks out of order in one pool, keys dimension-major per block, values token-major.
        var order = Enumerable.Range(0, blocks + 2).OrderBy(b => (b * 7) % (blocks + 2)).ToArray();
        var keyPool = Halves((blocks + 2) * kvDim * blockSize, seed: 21);
        var valuePool = Halves((blocks + 2) * blockSize * kvDim, seed: 22);

        // What the scratch path reads: the same keys widened, blocks laid end to end.
        var keysWide = new float[(blocks * kvDim * blockSize) + AttentionOps.KeyPadding];
        var valuesWide = new float[blocks * blockSize * kvDim];
        for (var b = 0; b < blocks; b++)
        {
            for (var i = 0; i < kvDim * blockSize; i++)
            {
                keysWide[(b * kvDim * blockSize) + i] = (float)keyPool[(order[b] * kvDim * blockSize) + i];
                valuesWide[(b * blockSize * kvDim) + i] = (float)valuePool[(order[b] * blockSize * kvDim) + i];
            }
        }

        var q = TestData.Floats(AttentionOps.MaxGroupQueries * headDim, seed: 23);
        var weights = TestData.Floats(AttentionOps.MaxGroupQueries * length, seed: 24);
        var stride = ((length + 15) / 16 * 16) + AttentionOps.KeyPadding;
        var direct = new float[AttentionOps.MaxGroupQueries * stride];
        var widened = new float[stride];
        var directOut = new float[AttentionOps.MaxGroupQueries * headDim];
        var widenedOut = new float[headDim];
        fixed (Half* kp = keyPool)
        fixed (Half* vp = valuePool)
        fixed (float* kw = keysWide)
        fixed (float* vw = valuesWide)
        fixed (float* qs = q)
        fixed (float* ws = weights)
        fixed (float* d = direct)
        fixed (float* w = widened)
        fixed (float* dOut = directOut)
        fixed (float* wOut = widenedOut)
        {
            var keyBlocks = stackalloc ushort*[blocks];
            var valueBlocks = stackalloc ushort*[blocks];
            for (var b = 0; b < blocks; b++)
            {
                keyBlocks[b] = (ushort*)kp + ((long)order[b] * kvDim * blockSize);
                valueBlocks[b] = (ushort*)vp + ((long)order[b] * blockSize * kvDim);
            }

            var queries = stackalloc float*[AttentionOps.MaxGroupQueries];
            var rows = stackalloc float*[AttentionOps.MaxGroupQueries];
            var outputs = stackalloc float*[AttentionOps.MaxGroupQueries];
            for (var i = 0; i < count; i++)
            {
                queries[i] = qs + (i * headDim);
                rows[i] = ws + (i * length);
                outputs[i] = dOut + (i * headDim);
            }

            AttentionOps.ScoresF16(queries, count, keyBlocks, head * headDim * blockSize, blockSize, headDim, length, 0.125f, d, stride);
            AttentionOps.WeightedSumF16(rows, count, valueBlocks, head * headDim, blockSize, kvDim, headDim, length, outputs);

            // The same history a block at a time, as a decode step walks it: scores per block, and weighted sums that
            // continue from the previous blocks' (accumulate), must give the same bits as one call over all of it.
            var piecewise = new float[(AttentionOps.MaxGroupQueries * stride) + AttentionOps.KeyPadding];
            var piecewiseOut = new float[AttentionOps.MaxGroupQueries * headDim];
            fixed (float* pd = piecewise)
            fixed (float* pOut = piecewiseOut)
            {
                var pieceRows = stackalloc float*[AttentionOps.MaxGroupQueries];
                var pieceOutputs = stackalloc float*[AttentionOps.MaxGroupQueries];
                for (var p0 = 0; p0 < length; p0 += blockSize)
                {
                    var b = p0 / blockSize;
                    var n = Math.Min(blockSize, length - p0);
                    AttentionOps.ScoresF16(queries, count, keyBlocks + b, head * headDim * blockSize, blockSize, headDim, n, 0.125f, pd + p0, stride);
                    for (var i = 0; i < count; i++)
                    {
                        pieceRows[i] = rows[i] + p0;
                        pieceOutputs[i] = pOut + (i * headDim);
                    }

                    AttentionOps.WeightedSumF16(pieceRows, count, valueBlocks + b, head * headDim, blockSize, kvDim, headDim, n, pieceOutputs, accumulate: p0 > 0);
                }
            }

            for (var i = 0; i < count; i++)
            {
                for (var p = 0; p < length; p++)
                {
                    Assert.True(BitConverter.SingleToInt32Bits(direct[(i * stride) + p]) == BitConverter.SingleToInt32Bits(piecewise[(i * stride) + p]), $"query {i}, score {p} block by block");
                }

                for (var e = 0; e < headDim; e++)
                {
                    Assert.True(BitConverter.SingleToInt32Bits(directOut[(i * headDim) + e]) == BitConverter.SingleToInt32Bits(piecewiseOut[(i * headDim) + e]), $"query {i}, output {e} block by block");
                }
            }
            // A cache known to hold no Inf or NaN is widened by the shorter finite-only form: the same bits.
            var finite = new float[AttentionOps.MaxGroupQueries * stride];
            var finiteOut = new float[AttentionOps.MaxGroupQueries * headDim];
            fixed (float* fd = finite)
            fixed (float* fOut = finiteOut)
            {
                var finiteOutputs = stackalloc float*[AttentionOps.MaxGroupQueries];
                for (var i = 0; i < count; i++)
                {
                    finiteOutputs[i] = fOut + (i * headDim);
                }

                AttentionOps.ScoresF16(queries, count, keyBlocks, head * headDim * blockSize, blockSize, headDim, length, 0.125f, fd, stride, cacheIsFinite: true);
                AttentionOps.WeightedSumF16(rows, count, valueBlocks, head * headDim, blockSize, kvDim, headDim, length, finiteOutputs, cacheIsFinite: true);
            }

            for (var i = 0; i < count; i++)
            {
                for (var p = 0; p < length; p++)
                {
                    Assert.True(BitConverter.SingleToInt32Bits(direct[(i * stride) + p]) == BitConverter.SingleToInt32Bits(finite[(i * stride) + p]), $"query {i}, score {p} finite-only");
                }

                for (var e = 0; e < headDim; e++)
                {
                    Assert.True(BitConverter.SingleToInt32Bits(directOut[(i * headDim) + e]) == BitConverter.SingleToInt32Bits(finiteOut[(i * headDim) + e]), $"query {i}, output {e} finite-only");
                }
            }

            for (var i = 0; i < count; i++)
            {
                // The scratch path scores block by block and sums over the rows laid end to end.
                for (var p0 = 0; p0 < length; p0 += blockSize)
                {
                    AttentionOps.Scores(queries[i], kw + (p0 / blockSize * kvDim * blockSize) + (head * headDim * blockSize), headDim, blockSize, Math.Min(blockSize, length - p0), 0.125f, w + p0);
                }

                AttentionOps.WeightedSum(rows[i], vw + (head * headDim), headDim, kvDim, length, wOut);
                for (var p = 0; p < length; p++)
                {
                    Assert.True(BitConverter.SingleToInt32Bits(widened[p]) == BitConverter.SingleToInt32Bits(direct[(i * stride) + p]), $"query {i}, score {p}: {direct[(i * stride) + p]} != {widened[p]}");
                }

                for (var e = 0; e < headDim; e++)
                {
                    Assert.True(BitConverter.SingleToInt32Bits(widenedOut[e]) == BitConverter.SingleToInt32Bits(directOut[(i * headDim) + e]), $"query {i}, output {e}: {directOut[(i * headDim) + e]} != {widenedOut[e]}");
                }
            }
        }
    }

    /// <summary>Random halves with edge values sprinkled in: subnormals, negative zeros and the largest finite half.</summary>
    private static Half[] Halves(int n, int seed) =>
        TestData.Floats(n, seed, scale: 3).Select((f, i) => i % 97 == 5 ? BitConverter.UInt16BitsToHalf((ushort)(0x8000 * (i & 1) | (1 + (i % 1023))))
            : i % 89 == 7 ? BitConverter.UInt16BitsToHalf(0x8000)
            : i % 83 == 11 ? (i % 2 == 0 ? Half.MaxValue : Half.MinValue)
            : (Half)f).ToArray();
}

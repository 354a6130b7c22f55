namespace Gateway.Engine.Onnx.Export;

/// <summary>
/// Widens attention heads to the size ONNX Runtime's CPU GroupQueryAttention accepts (a multiple of 16) with zeros:
/// zero query/key dimensions add nothing to the scores and zero value dimensions meet zero output-projection columns,
/// so the padded model computes exactly what the original does (the softmax scale stays that of the real size).
/// </summary>
internal sealed class HeadPadding(int headDim, int paddedHeadDim, bool ropeInterleaved)
{
    public bool IsNeeded => paddedHeadDim != headDim;

    /// <summary>
    /// Where dimension <paramref name="d"/> of a rotated (query/key) head lands: NeoX rotation pairs d with d + size/2,
    /// so each half moves to the start of its padded half; interleaved pairs are adjacent and keep their place.
    /// </summary>
    public int RotatedSlot(int d) =>
        ropeInterleaved || d < headDim / 2 ? d : (paddedHeadDim / 2) + (d - (headDim / 2));

    /// <summary>Output rows of a Q or K projection (<paramref name="rotated"/>) or of V, head by head.</summary>
    public GgufMatrix PadRows(GgufMatrix m, int heads, bool rotated)
    {
        if (!IsNeeded)
        {
            return m;
        }

        var src = m.ToFloats();
        var dst = new float[(long)heads * paddedHeadDim * m.Columns];
        for (var h = 0; h < heads; h++)
        {
            for (var d = 0; d < headDim; d++)
            {
                var to = (h * paddedHeadDim) + (rotated ? RotatedSlot(d) : d);
                src.AsSpan(((h * headDim) + d) * m.Columns, m.Columns).CopyTo(dst.AsSpan(to * m.Columns, m.Columns));
            }
        }

        return GgufMatrix.FromValues(heads * paddedHeadDim, m.Columns, dst);
    }

    public float[]? PadBias(float[]? bias, int heads, bool rotated)
    {
        if (bias is null || !IsNeeded)
        {
            return bias;
        }

        var dst = new float[heads * paddedHeadDim];
        for (var h = 0; h < heads; h++)
        {
            for (var d = 0; d < headDim; d++)
            {
                dst[(h * paddedHeadDim) + (rotated ? RotatedSlot(d) : d)] = bias[(h * headDim) + d];
            }
        }

        return dst;
    }

    /// <summary>Input columns of the output projection, which reads the (value-ordered) attention output.</summary>
    public GgufMatrix PadColumns(GgufMatrix m, int heads)
    {
        if (!IsNeeded)
        {
            return m;
        }

        var src = m.ToFloats();
        var columns = heads * paddedHeadDim;
        var dst = new float[(long)m.Rows * columns];
        for (var r = 0; r < m.Rows; r++)
        {
            for (var h = 0; h < heads; h++)
            {
                src.AsSpan((r * m.Columns) + (h * headDim), headDim).CopyTo(dst.AsSpan((r * columns) + (h * paddedHeadDim), headDim));
            }
        }

        return GgufMatrix.FromValues(m.Rows, columns, dst);
    }
}

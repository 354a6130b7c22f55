namespace Gateway.Kernels;

/// <summary>
/// A row-major weight matrix in ggml layout: <see cref="Rows"/> rows of <see cref="Cols"/> elements, each row
/// RowBytes(Type, Cols) bytes, usually pointing into a memory-mapped GGUF file. Immutable; owns nothing, so the
/// memory must outlive every use.
/// </summary>
public readonly unsafe struct WeightMatrix
{
    public WeightMatrix(byte* data, GgmlType type, int rows, int cols)
    {
        if (data == null) throw new ArgumentNullException(nameof(data));
        if (!GgmlTypeTraits.IsSupported(type)) throw new NotSupportedException($"Weights of type {GgmlTypeTraits.Name(type)} are not supported.");
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        Data = data;
        Type = type;
        Rows = rows;
        Cols = cols;
        RowBytes = checked((int)GgmlTypeTraits.RowBytes(type, cols));
    }

    public byte* Data { get; }

    public GgmlType Type { get; }

    public int Rows { get; }

    public int Cols { get; }

    /// <summary>Bytes of one row.</summary>
    public int RowBytes { get; }

    public ReadOnlySpan<byte> Row(int r)
    {
        if ((uint)r >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(r));
        return new ReadOnlySpan<byte>(Data + (nint)r * RowBytes, RowBytes);
    }
}

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

    private WeightMatrix(in WeightMatrix original, PackedWeights packed)
    {
        Data = original.Data;
        Type = original.Type;
        Rows = original.Rows;
        Cols = original.Cols;
        RowBytes = original.RowBytes;
        Packed = packed;
    }

    public byte* Data { get; }

    /// <summary>
    /// The same weights repacked for the GEMM kernels, when <see cref="WithPackedCopy"/> made one: products then read
    /// only this copy (<see cref="Data"/> stays valid for row lookups such as embeddings).
    /// </summary>
    public PackedWeights? Packed { get; }

    public GgmlType Type { get; }

    public int Rows { get; }

    public int Cols { get; }

    /// <summary>Bytes of one row.</summary>
    public int RowBytes { get; }

    /// <summary>
    /// This matrix with a packed copy attached when its type has a GEMM layout (Q4_0, Q8_0), else itself. The caller
    /// owns the copy: dispose <see cref="Packed"/> after the last product.
    /// </summary>
    public WeightMatrix WithPackedCopy() =>
        Packed is null && PackedWeights.Supports(Type) && Cols % BlockLayout.Qk == 0 ? new WeightMatrix(this, PackedWeights.Pack(this)) : this;

    public ReadOnlySpan<byte> Row(int r)
    {
        if ((uint)r >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(r));
        return new ReadOnlySpan<byte>(Data + (nint)r * RowBytes, RowBytes);
    }
}

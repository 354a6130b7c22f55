namespace Gateway.Kernels;

/// <summary>Block geometry and names of the ggml element types.</summary>
public static class GgmlTypeTraits
{
    /// <summary>True for the types this library can dequantize, quantize and multiply.</summary>
    public static bool IsSupported(GgmlType t) => t is GgmlType.F32 or GgmlType.F16 or GgmlType.BF16
        or GgmlType.Q8_0 or GgmlType.Q4_0 or GgmlType.Q4_1 or GgmlType.Q4_K or GgmlType.Q6_K;

    /// <summary>Elements per block: 1 for the float types, 32 or 256 for the quantized ones.</summary>
    public static int BlockSize(GgmlType t) => t switch
    {
        GgmlType.F32 or GgmlType.F16 or GgmlType.BF16 => 1,
        GgmlType.Q4_0 or GgmlType.Q4_1 or GgmlType.Q8_0 => BlockLayout.Qk,
        GgmlType.Q4_K or GgmlType.Q6_K or GgmlType.Q8_K => BlockLayout.QkK,
        _ => throw Unknown(t),
    };

    /// <summary>Bytes per block, as laid out by ggml.</summary>
    public static int BlockBytes(GgmlType t) => t switch
    {
        GgmlType.F32 => 4,
        GgmlType.F16 or GgmlType.BF16 => 2,
        GgmlType.Q4_0 => BlockLayout.Q4_0Bytes,
        GgmlType.Q4_1 => BlockLayout.Q4_1Bytes,
        GgmlType.Q8_0 => BlockLayout.Q8_0Bytes,
        GgmlType.Q4_K => BlockLayout.Q4_KBytes,
        GgmlType.Q6_K => BlockLayout.Q6_KBytes,
        GgmlType.Q8_K => BlockLayout.Q8_KBytes,
        _ => throw Unknown(t),
    };

    /// <summary>Bytes taken by <paramref name="elements"/> elements; they must fill whole blocks.</summary>
    public static long RowBytes(GgmlType t, long elements)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(elements);
        int blockSize = BlockSize(t);
        if (elements % blockSize != 0)
        {
            throw new ArgumentException($"{Name(t)} rows hold whole blocks of {blockSize} elements; {elements} is not a multiple.", nameof(elements));
        }

        return elements / blockSize * BlockBytes(t);
    }

    /// <summary>The ggml name of the type, e.g. "Q4_0".</summary>
    public static string Name(GgmlType t) => t switch
    {
        GgmlType.F32 => "F32",
        GgmlType.F16 => "F16",
        GgmlType.BF16 => "BF16",
        GgmlType.Q4_0 => "Q4_0",
        GgmlType.Q4_1 => "Q4_1",
        GgmlType.Q8_0 => "Q8_0",
        GgmlType.Q4_K => "Q4_K",
        GgmlType.Q6_K => "Q6_K",
        GgmlType.Q8_K => "Q8_K",
        _ => $"type{(uint)t}",
    };

    public static bool IsFloat(GgmlType t) => t is GgmlType.F32 or GgmlType.F16 or GgmlType.BF16;

    private static ArgumentException Unknown(GgmlType t) => new($"Unknown ggml type {(uint)t}.", nameof(t));
}

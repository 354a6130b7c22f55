namespace Gateway.Kernels;

/// <summary>
/// Byte offsets and sizes of ggml's quantized blocks. Every block starts at a 2-byte aligned offset only, so all
/// multi-byte fields are read unaligned.
/// </summary>
internal static class BlockLayout
{
    /// <summary>Elements per block of the 32-element formats (Q4_0, Q4_1, Q8_0) and of our int8 activations.</summary>
    public const int Qk = 32;

    /// <summary>Elements per super-block of the k-quants (Q4_K, Q6_K, Q8_K).</summary>
    public const int QkK = 256;

    /// <summary>Q4_0: fp16 scale d, then 16 bytes holding 32 nibbles (element j in the low nibble of byte j, element j+16 in the high one).</summary>
    public const int Q4_0Bytes = 2 + Qk / 2;

    /// <summary>Q4_1: fp16 scale d, fp16 minimum m, then the same 16 nibble bytes as Q4_0.</summary>
    public const int Q4_1Bytes = 2 + 2 + Qk / 2;

    /// <summary>Q8_0: fp16 scale d, then 32 signed bytes.</summary>
    public const int Q8_0Bytes = 2 + Qk;

    /// <summary>Q4_K: fp16 d, fp16 dmin, 12 bytes of packed 6-bit scales and mins, 128 nibble bytes.</summary>
    public const int Q4_KBytes = 2 + 2 + Q4_KScalesBytes + QkK / 2;
    public const int Q4_KScalesOffset = 4;
    public const int Q4_KScalesBytes = 12;
    public const int Q4_KQsOffset = Q4_KScalesOffset + Q4_KScalesBytes;

    /// <summary>Q6_K: 128 bytes of low nibbles (ql), 64 bytes of high 2-bit pairs (qh), 16 signed scales, fp16 d.</summary>
    public const int Q6_KBytes = QkK / 2 + QkK / 4 + QkK / 16 + 2;
    public const int Q6_KQhOffset = QkK / 2;
    public const int Q6_KScalesOffset = Q6_KQhOffset + QkK / 4;
    public const int Q6_KDOffset = Q6_KScalesOffset + QkK / 16;

    /// <summary>Q8_K: fp32 d, 256 signed bytes, 16 int16 sums of 16 elements each.</summary>
    public const int Q8_KBytes = 4 + QkK + QkK / 16 * 2;
}

using System.Runtime.Intrinsics.X86;

namespace Gateway.Kernels;

/// <summary>
/// One variant's dot kernels as function pointers: picked once, then called without virtual or delegate dispatch.
/// Quantized kernels take (weight row, activation quants, block scales, block sums, block scaled sums, blocks of 32);
/// float kernels take (weight row, float activations, element count).
/// </summary>
internal sealed unsafe class KernelTable
{
    private KernelTable(KernelVariant variant)
    {
        Variant = variant;
        switch (variant)
        {
            case KernelVariant.Scalar:
                Q4_0 = &DotQ4_0Q8.Scalar; Q4_1 = &DotQ4_1Q8.Scalar; Q8_0 = &DotQ8_0Q8.Scalar; Q4_K = &DotQ4_KQ8.Scalar; Q6_K = &DotQ6_KQ8.Scalar;
                F32 = &DotFloat.F32Scalar; F16 = &DotFloat.F16Scalar; BF16 = &DotFloat.BF16Scalar;
                GemmQ4_0 = &GemmScalar.Q4_0; GemmQ8_0 = &GemmScalar.Q8_0; GemmAffineQ4 = &GemmScalar.AffineQ4; GemmQ6_K = &GemmScalar.Q6_K;
                break;
            case KernelVariant.Avx2:
                // Where a four-row kernel exists, single rows use its arithmetic too (see DotBatch4): batch invariance.
                Q4_0x4 = &DotBatch4.Q4_0Avx2; Q8_0x4 = &DotBatch4.Q8_0Avx2;
                Q4_0 = &DotBatch4.Q4_0Avx2Row; Q4_1 = &DotQ4_1Q8.Avx2; Q8_0 = &DotBatch4.Q8_0Avx2Row; Q4_K = &DotQ4_KQ8.Avx2; Q6_K = &DotQ6_KQ8.Avx2;
                F32 = &DotFloat.F32Avx2; F16 = &DotFloat.F16Avx2; BF16 = &DotFloat.BF16Avx2;
                GemmQ4_0 = &GemmAvx2.Q4_0; GemmQ8_0 = &GemmAvx2.Q8_0; GemmAffineQ4 = &GemmAvx2.AffineQ4; GemmQ6_K = &GemmAvx2.Q6_K;
                break;
            case KernelVariant.Avx512:
                // Batched rows reuse one unpacked weight block across four 256-bit accumulators; VNNI when present.
                Q4_0x4 = System.Runtime.Intrinsics.X86.AvxVnni.IsSupported ? &DotBatch4.Q4_0Vnni : &DotBatch4.Q4_0Avx2;
                Q8_0x4 = System.Runtime.Intrinsics.X86.AvxVnni.IsSupported ? &DotBatch4.Q8_0Vnni : &DotBatch4.Q8_0Avx2;
                Q4_0 = System.Runtime.Intrinsics.X86.AvxVnni.IsSupported ? &DotBatch4.Q4_0VnniRow : &DotBatch4.Q4_0Avx2Row;
                Q8_0 = System.Runtime.Intrinsics.X86.AvxVnni.IsSupported ? &DotBatch4.Q8_0VnniRow : &DotBatch4.Q8_0Avx2Row;
                Q4_1 = &DotQ4_1Q8.Avx512; Q4_K = &DotQ4_KQ8.Avx512; Q6_K = &DotQ6_KQ8.Avx512;
                F32 = &DotFloat.F32Avx512; F16 = &DotFloat.F16Avx512; BF16 = &DotFloat.BF16Avx512;
                // 512-bit vpmaddubsw beats 256-bit VNNI for nibbles; full-range Q8_0 bytes would saturate it, so VNNI there.
                GemmQ4_0 = &GemmAvx512.Q4_0;
                GemmAffineQ4 = &GemmAvx512.AffineQ4;
                GemmQ6_K = &GemmAvx512.Q6_K;
                GemmQ8_0 = System.Runtime.Intrinsics.X86.AvxVnni.IsSupported ? &GemmAvxVnni.Q8_0 : &GemmAvx2.Q8_0;
                break;
            case KernelVariant.AvxVnni:
                Q4_0x4 = &DotBatch4.Q4_0Vnni; Q8_0x4 = &DotBatch4.Q8_0Vnni;
                Q4_0 = &DotBatch4.Q4_0VnniRow; Q4_1 = &DotQ4_1Q8.Avx2; Q8_0 = &DotBatch4.Q8_0VnniRow; Q4_K = &DotQ4_KQ8.Avx2; Q6_K = &DotQ6_KQ8.Avx2;
                F32 = &DotFloat.F32Avx2; F16 = &DotFloat.F16Avx2; BF16 = &DotFloat.BF16Avx2;
                GemmQ4_0 = &GemmAvxVnni.Q4_0; GemmQ8_0 = &GemmAvxVnni.Q8_0; GemmAffineQ4 = &GemmAvx2.AffineQ4; GemmQ6_K = &GemmAvx2.Q6_K;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(variant));
        }
    }

    public static KernelTable Scalar { get; } = new(KernelVariant.Scalar);

    public static KernelTable Avx2Table { get; } = new(KernelVariant.Avx2);

    public static KernelTable Avx512Table { get; } = new(KernelVariant.Avx512);

    public static KernelTable AvxVnniTable { get; } = new(KernelVariant.AvxVnni);

    public KernelVariant Variant { get; }

    public delegate*<byte*, sbyte*, float*, int*, float*, int, float> Q4_0 { get; }
    public delegate*<byte*, sbyte*, float*, int*, float*, int, float> Q4_1 { get; }
    public delegate*<byte*, sbyte*, float*, int*, float*, int, float> Q8_0 { get; }
    public delegate*<byte*, sbyte*, float*, int*, float*, int, float> Q4_K { get; }
    public delegate*<byte*, sbyte*, float*, int*, float*, int, float> Q6_K { get; }
    /// <summary>One weight row x four activation rows (null where the variant has none): (row, 4 activation rows, blocks, 4 results).</summary>
    public delegate*<byte*, QuantizedRow*, int, float*, void> Q4_0x4 { get; }
    public delegate*<byte*, QuantizedRow*, int, float*, void> Q8_0x4 { get; }

    /// <summary>
    /// GEMM micro-kernels over packed weights (see <see cref="GemmScalar"/> for the arguments): one group of 16 weight
    /// rows x up to 8 tokens of one activation tile.
    /// </summary>
    public delegate*<byte*, int, sbyte*, float*, int*, int, float*, int, void> GemmQ4_0 { get; }
    public delegate*<byte*, int, sbyte*, float*, int*, int, float*, int, void> GemmQ8_0 { get; }

    /// <summary>Affine 4-bit blocks: Q4_1, and Q4_K repacked to them (see <see cref="PackedLayout"/>).</summary>
    public delegate*<byte*, int, sbyte*, float*, int*, int, float*, int, void> GemmAffineQ4 { get; }

    /// <summary>Q6_K repacked to signed values with two scales per block (see <see cref="PackedLayout"/>).</summary>
    public delegate*<byte*, int, sbyte*, float*, int*, int, float*, int, void> GemmQ6_K { get; }

    public delegate*<byte*, float*, int, float> F32 { get; }
    public delegate*<byte*, float*, int, float> F16 { get; }
    public delegate*<byte*, float*, int, float> BF16 { get; }

    public static bool IsSupportedByHardware(KernelVariant variant) => variant switch
    {
        KernelVariant.Scalar => true,
        KernelVariant.Avx2 => System.Runtime.Intrinsics.X86.Avx2.IsSupported && Fma.IsSupported,
        KernelVariant.Avx512 => Avx512F.IsSupported && Avx512BW.IsSupported && Fma.IsSupported,
        KernelVariant.AvxVnni => System.Runtime.Intrinsics.X86.Avx2.IsSupported && Fma.IsSupported && System.Runtime.Intrinsics.X86.AvxVnni.IsSupported,
        _ => false,
    };

    public static KernelTable For(KernelVariant variant) => variant switch
    {
        KernelVariant.Scalar => Scalar,
        KernelVariant.Avx2 => Avx2Table,
        KernelVariant.Avx512 => Avx512Table,
        KernelVariant.AvxVnni => AvxVnniTable,
        _ => throw new ArgumentOutOfRangeException(nameof(variant)),
    };

    public delegate*<byte*, sbyte*, float*, int*, float*, int, float> Quantized(GgmlType type) => type switch
    {
        GgmlType.Q4_0 => Q4_0,
        GgmlType.Q4_1 => Q4_1,
        GgmlType.Q8_0 => Q8_0,
        GgmlType.Q4_K => Q4_K,
        GgmlType.Q6_K => Q6_K,
        _ => throw new NotSupportedException($"No quantized kernel for {GgmlTypeTraits.Name(type)}."),
    };

    public delegate*<byte*, QuantizedRow*, int, float*, void> Batch4(GgmlType type) => type switch
    {
        GgmlType.Q4_0 => Q4_0x4,
        GgmlType.Q8_0 => Q8_0x4,
        _ => null,
    };

    public delegate*<byte*, int, sbyte*, float*, int*, int, float*, int, void> Gemm(GgmlType type) => type switch
    {
        GgmlType.Q4_0 => GemmQ4_0,
        GgmlType.Q8_0 => GemmQ8_0,
        GgmlType.Q4_1 or GgmlType.Q4_K => GemmAffineQ4,
        GgmlType.Q6_K => GemmQ6_K,
        _ => throw new NotSupportedException($"No GEMM kernel for {GgmlTypeTraits.Name(type)}."),
    };

    public delegate*<byte*, float*, int, float> Float(GgmlType type) => type switch
    {
        GgmlType.F32 => F32,
        GgmlType.F16 => F16,
        GgmlType.BF16 => BF16,
        _ => throw new NotSupportedException($"No float kernel for {GgmlTypeTraits.Name(type)}."),
    };
}

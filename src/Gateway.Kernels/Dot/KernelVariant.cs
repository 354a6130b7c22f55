namespace Gateway.Kernels;

/// <summary>Instruction-set level of the dot-product kernels.</summary>
public enum KernelVariant
{
    /// <summary>Plain C#: the reference every other variant is tested against.</summary>
    Scalar,

    /// <summary>AVX2 + FMA, 256-bit.</summary>
    Avx2,

    /// <summary>AVX-512 F/BW, 512-bit.</summary>
    Avx512,

    /// <summary>AVX2 + FMA with AVX-VNNI (VPDPBUSD, 256-bit) for Q4_0 and Q8_0; the other formats use the AVX2 kernels.</summary>
    AvxVnni,
}

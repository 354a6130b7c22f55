namespace Gateway.Kernels;

/// <summary>
/// Chooses the kernel variant once: the best the CPU supports, or the one named by the GATEWAY_KERNELS environment
/// variable (scalar|avx2|avxvnni|avx512; a variant the CPU lacks falls back to the best supported one).
/// </summary>
public static class KernelDispatch
{
    public const string VariantEnvironmentVariable = "GATEWAY_KERNELS";

    private static volatile KernelTable _current = KernelTable.For(Choose(Environment.GetEnvironmentVariable(VariantEnvironmentVariable)));

    /// <summary>The variant MatMul uses.</summary>
    public static KernelVariant Current => _current.Variant;

    internal static KernelTable Table => _current;

    /// <summary>The most capable variant this CPU runs.</summary>
    public static KernelVariant Best =>
        KernelTable.IsSupportedByHardware(KernelVariant.Avx512) ? KernelVariant.Avx512
        : KernelTable.IsSupportedByHardware(KernelVariant.Avx2) ? KernelVariant.Avx2
        : KernelVariant.Scalar;

    public static bool IsSupported(KernelVariant variant) => KernelTable.IsSupportedByHardware(variant);

    /// <summary>Forces a variant for every later call (tests cross-check variants with it). Throws if the CPU lacks it.</summary>
    internal static void Use(KernelVariant variant)
    {
        if (!KernelTable.IsSupportedByHardware(variant))
        {
            throw new PlatformNotSupportedException($"This CPU cannot run the {variant} kernels.");
        }

        _current = KernelTable.For(variant);
    }

    internal static KernelVariant Choose(string? requested)
    {
        KernelVariant? named = requested?.Trim().ToLowerInvariant() switch
        {
            "scalar" => KernelVariant.Scalar,
            "avx2" => KernelVariant.Avx2,
            "avx512" => KernelVariant.Avx512,
            "avxvnni" => KernelVariant.AvxVnni,
            _ => null,
        };
        return named is { } v && KernelTable.IsSupportedByHardware(v) ? v : Best;
    }
}

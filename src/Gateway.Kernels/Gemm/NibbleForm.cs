namespace Gateway.Kernels;

/// <summary>
/// Which 4-bit packed block a nibble micro-kernel reads, as a type, so one kernel body serves both and the JIT folds
/// the difference away per form (as with <see cref="ITokenCount"/>): Q4_0's signed nibbles (offset 8, one scale) or the
/// affine blocks of Q4_1 and Q4_K (scale and minimum, unsigned nibbles).
/// </summary>
internal interface INibbleForm
{
    /// <summary>Scale + minimum per row and block, unsigned nibbles; otherwise a scale and nibbles offset by 8.</summary>
    static abstract bool IsAffine { get; }
}

internal readonly struct SignedNibbles : INibbleForm { public static bool IsAffine => false; }

internal readonly struct AffineNibbles : INibbleForm { public static bool IsAffine => true; }

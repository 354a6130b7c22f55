namespace Gateway.Kernels;

/// <summary>Weight scales per row and 32-column block of a signed-byte kernel: Q8_0 one, Q6_K two (columns 0-15, 16-31).</summary>
internal interface IScaleCount
{
    static abstract int PerBlock { get; }
}

internal readonly struct OneScale : IScaleCount { public static int PerBlock => 1; }

internal readonly struct TwoScales : IScaleCount { public static int PerBlock => 2; }

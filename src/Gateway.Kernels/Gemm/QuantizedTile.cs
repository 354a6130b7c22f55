namespace Gateway.Kernels;

/// <summary>
/// Pointers to one tile of up to <see cref="PackedLayout.TileTokens"/> activation rows in the GEMM layout: per block,
/// <c>Quants</c> holds 256 bytes (8 quads x 8 tokens x 4), <c>Scales</c> 8 entries (one per token), <c>Sums</c> <see cref="PackedLayout.TileSumInts"/> (block sums, then Q4_0 lane offsets).
/// </summary>
internal readonly unsafe struct QuantizedTile(sbyte* quants, float* scales, int* sums)
{
    public readonly sbyte* Quants = quants;
    public readonly float* Scales = scales;
    public readonly int* Sums = sums;

    /// <summary>The same tile seen from its token <paramref name="token"/> on: every per-token field sits at a fixed offset per token.</summary>
    public QuantizedTile From(int token) => new(Quants + (4 * token), Scales + token, Sums + token);
}

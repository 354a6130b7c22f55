namespace Gateway.Kernels;

/// <summary>
/// The interleaved weight layout the GEMM micro-kernels stream, and the tiled activation layout they broadcast from.
/// </summary>
/// <remarks>
/// Weights: rows are taken <see cref="GroupRows"/> at a time. For each 32-column block a group holds 16 fp32 scales
/// (one per row, converted from fp16 once) followed by the quants with the 16 rows interleaved four bytes at a time,
/// so one 64-byte load gives every row's next four columns: exactly one 32-bit lane per row, the shape of
/// vpdpbusd / vpmaddubsw+vpmaddwd. Quants are stored unsigned (Q4_0: the nibble 0..15, Q8_0: q + 128) and the kernels
/// subtract offset * (sum of the activation quants), which keeps every integer block sum exact.
/// Q4_0: 4 chunks of 64 bytes; chunk c, row r, byte j holds columns 4c+j (low nibble) and 16+4c+j (high nibble).
/// Q8_0: 8 chunks of 64 bytes; chunk q, row r, byte j holds column 4q+j.
/// Q4_1 and Q4_K (affine nibbles, value = scale * q + min): 16 fp32 scales, then 16 fp32 minimums, then the nibbles
/// exactly as Q4_0 but unsigned, with no offset. A Q4_K super-block becomes eight such blocks: each 32-value
/// sub-block's scale d * sc and minimum -dmin * m are exact in fp32 (an 11-bit mantissa times a 6-bit integer), so the
/// repacking is lossless; the kernels add min * (token scale * token block sum) per block.
/// Q6_K: each 32 values span two of its 16-value sub-blocks, so a block holds two sets of 16 fp32 scales (d * sc for
/// columns 0-15, then 16-31; exact, an 11-bit mantissa times an 8-bit integer), then the signed values q - 32 in Q8_0's
/// chunk order, stored as Q8_0's are (q - 32 + 128).
/// Activations: tokens are taken <see cref="TileTokens"/> at a time; for each block a tile holds, per four-column quad,
/// the tokens' four int8 values side by side (32 bytes per quad, 256 per block), so a kernel broadcasts token t's quad
/// from a fixed offset; plus each token's block scale, and <see cref="TileSumInts"/> ints per block: the tokens' block
/// sums of quants, then their Q4_0 lane offsets (see <see cref="TileSumInts"/>).
/// </remarks>
internal static class PackedLayout
{
    /// <summary>Weight rows interleaved in one group: one 512-bit register holds one int32 per row.</summary>
    public const int GroupRows = 16;

    /// <summary>Activation rows (tokens) interleaved in one tile.</summary>
    public const int TileTokens = 8;

    /// <summary>Bytes of the 16 fp32 scales that start every block of a group.</summary>
    public const int ScaleBytes = GroupRows * sizeof(float);

    /// <summary>Q4_0: one block of a group (scales, then 16 rows x 16 nibble bytes).</summary>
    public const int Q4_0BlockBytes = ScaleBytes + GroupRows * BlockLayout.Qk / 2;

    /// <summary>Bytes of the 16 fp32 minimums that follow the scales in an affine (Q4_1 / Q4_K) block.</summary>
    public const int MinBytes = GroupRows * sizeof(float);

    /// <summary>Q4_1 and Q4_K: one block of a group (scales, minimums, then 16 rows x 16 nibble bytes).</summary>
    public const int AffineQ4BlockBytes = ScaleBytes + MinBytes + GroupRows * BlockLayout.Qk / 2;

    /// <summary>Q6_K: one block of a group (scales of columns 0-15, scales of 16-31, then 16 rows x 32 bytes).</summary>
    public const int Q6_KBlockBytes = 2 * ScaleBytes + GroupRows * BlockLayout.Qk;

    /// <summary>Q8_0: one block of a group (scales, then 16 rows x 32 bytes).</summary>
    public const int Q8_0BlockBytes = ScaleBytes + GroupRows * BlockLayout.Qk;

    /// <summary>
    /// Ints per block of a tile's sums, in runs of 8 (one per token): the block sums (int32), the Q4_0 lane offsets,
    /// then the Q6_K lane offsets of columns 0-15 and of columns 16-31. A lane offset holds two int16s, -offset x the
    /// sum of the token's quants in the columns whose products land in the low and the high int16 of a 32-bit lane
    /// after vpmaddubsw (columns 4k, 4k + 1 and columns 4k + 2, 4k + 3): started from it, a 512-bit kernel's int16
    /// sums end at the signed dot of (stored value - offset) x activation, with no per-token offset arithmetic left for
    /// the block's finish. Q4_0: offset 8, 16 products of at most 8 x 127 per int16; Q6_K: offset 32, per 16-column
    /// half (each has its own scale), 8 products of at most 32 x 127 = 32512. Neither overflows.
    /// </summary>
    public const int TileSumInts = 4 * TileTokens;

    /// <summary>Where a tile block's Q4_0 lane offsets start among its <see cref="TileSumInts"/>.</summary>
    public const int Q4_0LaneOffsets = TileTokens;

    /// <summary>Where a tile block's Q6_K lane offsets (columns 0-15, then 16-31) start among its <see cref="TileSumInts"/>.</summary>
    public const int Q6_KLaneOffsets = 2 * TileTokens;

    /// <summary>Q6_K values q (0..63) pair with activations as q - 32.</summary>
    public const int Q6_KOffset = 32;

    /// <summary>Tiled activation quants of one block: 8 quads x 8 tokens x 4 bytes.</summary>
    public const int TileBlockBytes = TileTokens * BlockLayout.Qk;

    /// <summary>Q4_0 nibbles are stored as 0..15 for value - 8.</summary>
    public const int Q4_0Offset = 8;

    /// <summary>Q8_0 quants are stored as q + 128 (q ^ 0x80).</summary>
    public const int Q8_0Offset = 128;

    public static bool Supports(GgmlType type) => type is GgmlType.Q4_0 or GgmlType.Q8_0 or GgmlType.Q4_1 or GgmlType.Q4_K or GgmlType.Q6_K;

    public static int BlockBytes(GgmlType type) => type switch
    {
        GgmlType.Q4_0 => Q4_0BlockBytes,
        GgmlType.Q8_0 => Q8_0BlockBytes,
        GgmlType.Q4_1 or GgmlType.Q4_K => AffineQ4BlockBytes,
        GgmlType.Q6_K => Q6_KBlockBytes,
        _ => throw new NotSupportedException($"No packed layout for {GgmlTypeTraits.Name(type)}."),
    };
}

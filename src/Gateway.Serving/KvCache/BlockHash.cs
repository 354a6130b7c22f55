namespace Gateway.Serving.KvCache;

/// <summary>
/// Identity of a full KV block's contents: a 128-bit digest chained over the parent block's hash and the block's tokens,
/// so equal hashes mean equal whole prefixes, not just equal blocks.
/// </summary>
internal readonly record struct BlockHash(ulong High, ulong Low)
{
    /// <summary>The parent of a sequence's first block.</summary>
    public static BlockHash Root => default;
}

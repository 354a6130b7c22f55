namespace Gateway.Serving.KvCache;

/// <summary>
/// One sequence's block table plus the prefix hashes of its full blocks. Sized once for the sequence's longest possible
/// length, so growing it during decode never allocates.
/// </summary>
internal sealed class SequenceBlocks(int maxBlocks)
{
    private readonly int[] _ids = new int[maxBlocks];
    private readonly BlockHash[] _hashes = new BlockHash[maxBlocks];

    public int Count { get; private set; }

    /// <summary>How many leading blocks have their prefix hash computed (they are full and computed).</summary>
    public int HashedCount { get; private set; }

    public int Capacity => _ids.Length;

    /// <summary>The table in the form the runner reads it.</summary>
    public ReadOnlyMemory<int> Table => _ids.AsMemory(0, Count);

    public int this[int index] => _ids[index];

    public BlockHash HashAt(int index) => _hashes[index];

    public void Append(int blockId) => _ids[Count++] = blockId;

    public void AppendHash(BlockHash hash) => _hashes[HashedCount++] = hash;

    public void Clear()
    {
        Count = 0;
        HashedCount = 0;
    }
}

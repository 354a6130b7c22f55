namespace Gateway.Inference;

/// <summary>The physical KV pool the runner owns: the serving layer's block manager hands out ids in [0, BlockCount).</summary>
public sealed record KvCacheGeometry(int BlockSize, int BlockCount, long BytesPerBlock, KvCacheType Type)
{
    public long TotalBytes => BytesPerBlock * BlockCount;
}

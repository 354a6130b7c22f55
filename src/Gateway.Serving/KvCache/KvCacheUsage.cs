namespace Gateway.Serving.KvCache;

/// <summary>
/// Where every block of the pool is: <see cref="Used"/> by some sequence, <see cref="Cached"/> (unreferenced but holding a
/// reusable prefix, evicted on demand) or <see cref="Free"/>. The three always add up to <see cref="Total"/>.
/// </summary>
public readonly record struct KvCacheUsage(int Free, int Used, int Cached, int Total)
{
    /// <summary>Fraction of the pool pinned by running sequences (cached blocks can be reclaimed, so they do not count).</summary>
    public double UsageRatio => Total == 0 ? 0 : (double)Used / Total;
}

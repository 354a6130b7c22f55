namespace SpikeReplay.Arrivals;

/// <summary>Box–Muller normal deviates; used by the gamma sampler and the clipped-normal length distribution.</summary>
internal static class StandardNormal
{
    public static double Sample(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}

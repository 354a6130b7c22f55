namespace SpikeReplay.Arrivals;

/// <summary>Exponential gaps: the memoryless baseline where arrivals are independent of each other (CV = 1).</summary>
internal sealed class PoissonArrivals(Random random) : IArrivalProcess
{
    public double NextUnitGap()
    {
        // 1 - U lies in (0, 1], so the log never sees zero.
        return -Math.Log(1.0 - random.NextDouble());
    }
}

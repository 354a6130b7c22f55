namespace SpikeReplay.Arrivals;

/// <summary>
/// Produces inter-arrival gaps with mean 1 in "operational time". The scheduler stretches operational time by the
/// phase's (possibly ramping) rate, so one process serves constant and ramped phases alike.
/// </summary>
internal interface IArrivalProcess
{
    /// <summary>Next gap, unit mean.</summary>
    double NextUnitGap();
}

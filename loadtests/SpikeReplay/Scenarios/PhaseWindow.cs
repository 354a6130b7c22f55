namespace SpikeReplay.Scenarios;

/// <summary>Where a phase sits on the run's timeline, with its resolved start and end rates (for reports and bands).</summary>
internal sealed record PhaseWindow(string Name, double StartMilliseconds, double DurationMilliseconds, double StartRps, double EndRps)
{
    public double EndMilliseconds => StartMilliseconds + DurationMilliseconds;
}

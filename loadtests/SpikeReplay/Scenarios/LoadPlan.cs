namespace SpikeReplay.Scenarios;

/// <summary>The full open-model schedule for a run: phase windows and every arrival, ordered by offset.</summary>
internal sealed record LoadPlan(IReadOnlyList<PhaseWindow> Phases, IReadOnlyList<PlannedRequest> Requests)
{
    public double DurationMilliseconds => Phases.Count == 0 ? 0 : Phases[^1].EndMilliseconds;
}

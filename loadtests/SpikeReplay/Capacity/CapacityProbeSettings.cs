namespace SpikeReplay.Capacity;

/// <summary>How the capacity probe steps the rate: geometric steps from a start rate, each held for a while.</summary>
internal sealed record CapacityProbeSettings(
    double StartRps,
    double StepFactor,
    double StepSeconds,
    double MaxRps,
    double SloTtftMilliseconds,
    double MaxRefusalRatio);

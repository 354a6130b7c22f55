namespace SpikeReplay.Running;

/// <summary>Knobs of the dispatcher that are not part of the plan itself.</summary>
internal sealed record RunSettings(int MaxInFlight, TimeSpan DrainTimeout, int PromptSeed);

namespace SpikeReplay.Scenarios;

/// <summary>Turns a scenario into a concrete, seeded arrival schedule.</summary>
internal static class ScenarioPlanner
{
    public static LoadPlan Plan(Scenario scenario, double? capacityRps)
    {
        // Separate streams keep the arrival times identical when only the length distributions change.
        var arrivalRandom = new Random(scenario.Seed);
        var lengthRandom = new Random(unchecked(scenario.Seed * 31 + 7));
        var maxMilliseconds = scenario.Limits.MaxDurationSeconds * 1000.0;
        var windows = new List<PhaseWindow>(scenario.Phases.Count);
        var requests = new List<PlannedRequest>();
        var defaultProcess = scenario.Arrival.Create(arrivalRandom);
        var phaseStart = 0.0;
        foreach (var phase in scenario.Phases)
        {
            if (phaseStart >= maxMilliseconds)
            {
                break;
            }

            var (startRps, endRps) = phase.Ramp is { } ramp
                ? (ramp.From!.Resolve(capacityRps), ramp.To!.Resolve(capacityRps))
                : (phase.Rate!.Resolve(capacityRps), phase.Rate.Resolve(capacityRps));
            var rate = new PhaseRate(startRps, endRps, phase.DurationSeconds);
            // The duration cap clips the timeline too, so per-phase rates are computed over the time actually offered.
            var windowMilliseconds = Math.Min(phase.DurationSeconds * 1000.0, maxMilliseconds - phaseStart);
            windows.Add(new PhaseWindow(phase.Name, phaseStart, windowMilliseconds, startRps, rate.RateAt(windowMilliseconds / 1000.0),
                phase.InOverall));
            var process = phase.Arrival?.Create(arrivalRandom) ?? defaultProcess;
            var operationalTime = process.NextUnitGap();
            while (rate.TimeOfCumulative(operationalTime) is { } seconds)
            {
                var offset = phaseStart + seconds * 1000.0;
                if (offset > maxMilliseconds || requests.Count >= scenario.Limits.MaxRequests)
                {
                    break;
                }

                requests.Add(new PlannedRequest(
                    requests.Count,
                    phase.Name,
                    offset,
                    scenario.PromptTokens.Sample(lengthRandom),
                    scenario.OutputTokens.Sample(lengthRandom),
                    Model: scenario.Model));
                operationalTime += process.NextUnitGap();
            }

            phaseStart += phase.DurationSeconds * 1000.0;
        }

        return new LoadPlan(windows, requests);
    }
}

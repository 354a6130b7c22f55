using System.Globalization;
using SpikeReplay.Arrivals;
using SpikeReplay.Client;
using SpikeReplay.Reporting;
using SpikeReplay.Running;
using SpikeReplay.Scenarios;

namespace SpikeReplay.Capacity;

/// <summary>
/// Finds the sustainable request rate: open-loop Poisson load at rising rates until p95 TTFT breaks the SLO, the
/// gateway refuses more than a small share, or anything errors. The last rate that held is the capacity. Refusals
/// count as failure because a gateway with admission control keeps TTFT low precisely by refusing.
/// </summary>
internal sealed class CapacityProbe(StreamingCompletionClient client, RunSettings runSettings, TextWriter output)
{
    public async Task<CapacityResult> RunAsync(Scenario template, CapacityProbeSettings settings, CancellationToken cancellation)
    {
        var steps = new List<CapacityStep>();
        double? capacity = null;
        var slo = new SloLimits { TtftMilliseconds = settings.SloTtftMilliseconds };
        for (var rps = settings.StartRps; rps <= settings.MaxRps && !cancellation.IsCancellationRequested; rps *= settings.StepFactor)
        {
            var phaseName = $"step-{steps.Count + 1}";
            var scenario = template with
            {
                Arrival = ArrivalProcessSpec.Poisson,
                Seed = template.Seed + steps.Count,
                Phases = [new PhaseSpec { Name = phaseName, DurationSeconds = settings.StepSeconds, Rate = new RateSpec { Rps = rps } }],
            };
            var plan = ScenarioPlanner.Plan(scenario, capacityRps: null);
            var counters = new LiveCounters();
            var result = await new OpenLoopRunner(client, runSettings, counters).RunAsync(plan, cancellation).ConfigureAwait(false);
            var description = new RunDescription(phaseName, "", "", null, slo);
            var window = SummaryBuilder.Summarise(phaseName, settings.StepSeconds, result.Records, description);
            var errors = window.ServerErrors + window.ClientSideErrors + window.ClientDropped;
            var passed = window.Ttft.P95 is { } p95 && p95 <= settings.SloTtftMilliseconds &&
                (window.RefusalRatio ?? 0) <= settings.MaxRefusalRatio && errors == 0;
            steps.Add(new CapacityStep(rps, window.AdmittedRps, window.Ttft.P95, window.RefusalRatio, errors, passed));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"capacity step {steps.Count}: {rps:F2} rps -> admitted {window.AdmittedRps:F2} rps, p95 TTFT {window.Ttft.P95:F0} ms, " +
                $"refusals {window.Refusals}, errors {errors}: {(passed ? "holds" : "breaks")}"));
            if (!passed)
            {
                break;
            }

            capacity = rps;
        }

        return new CapacityResult(capacity, settings.SloTtftMilliseconds, settings.MaxRefusalRatio, steps);
    }
}

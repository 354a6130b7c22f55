namespace SpikeReplay.Autoscaling;

/// <summary>
/// Replays a recorded spike through <see cref="HpaController"/> second by second. The recorded pod stands for each of
/// <see cref="HpaReplaySettings.RecordedReplicas"/> pods, so the fleet's demand is D(t) = recorded ratio ×
/// recorded replicas, in pod capacities, shared evenly by the ready pods. Prometheus scrapes every
/// <see cref="HpaSpec.ScrapeIntervalSeconds"/> (the ServiceMonitor's interval) and stores D / ready pods, the value
/// each pod's gauge reads; the controller syncs every <see cref="HpaSpec.SyncPeriodSeconds"/> on the last scrape.
/// A pod the HPA adds serves after <see cref="HpaReplaySettings.PodStartupSeconds"/> and is unready until then; a pod
/// it removes stops serving at once (newest first, as a ReplicaSet picks unready and young pods).
/// <para>
/// Refusals: the recorded fleet refuses recorded replicas × the recorded pod's refusals. A replayed second's
/// refusals are what its arrivals exceed the ready pods' throughput by, each pod admitting what the recorded pod
/// admitted per second while it was refusing (its capacity at the objective), never more than recorded.
/// </para>
/// Not replayed: the CPU (Resource) backstop, which can only add pods, and the lag with which a pod's moving
/// average follows a change in its share of the traffic.
/// </summary>
internal static class HpaReplay
{
    public static HpaReplayResult Run(HpaReplayInput input, HpaSpec spec, HpaReplaySettings settings, bool phaseSweep = true)
    {
        var result = RunOnce(input, spec, settings);
        if (!phaseSweep || result.SpikeStartSeconds is null)
        {
            return result;
        }

        // The price of a fast signal shows here too: phases in which the fleet grew before the spike began, on the
        // baseline's own bursts.
        var delays = new List<double>();
        var early = 0;
        for (var sync = 0; sync < (int)spec.SyncPeriodSeconds; sync++)
        {
            for (var scrape = 0; scrape < (int)spec.ScrapeIntervalSeconds; scrape++)
            {
                var shifted = RunOnce(input, spec, settings with { SyncOffsetSeconds = sync, ScrapeOffsetSeconds = scrape });
                delays.Add(shifted.FirstScaleUpAfterSpikeSeconds ?? double.PositiveInfinity);
                if (shifted.Seconds.Any(s => s.Second < result.SpikeStartSeconds && s.Replicas > settings.RecordedReplicas))
                {
                    early++;
                }
            }
        }

        delays.Sort();
        return result with
        {
            FirstScaleUpOverPhases = [delays[0], delays[delays.Count / 2], delays[^1]],
            PhasesScalingUpBeforeSpike = early,
            Phases = delays.Count,
        };
    }

    private static HpaReplayResult RunOnce(HpaReplayInput input, HpaSpec spec, HpaReplaySettings settings)
    {
        var controller = new HpaController(spec);
        var readyAt = new List<double>();
        for (var i = 0; i < settings.RecordedReplicas; i++)
        {
            readyAt.Add(double.NegativeInfinity);
        }

        double? spikeStart = input.PhaseWindows.FirstOrDefault(w => w.Name == settings.SpikePhase)?.StartMilliseconds / 1000.0;
        var podCapacity = PodCapacityRps(input.Seconds);
        double? scraped = null;
        var scrapedReady = settings.RecordedReplicas;
        double? firstScaleUp = null;
        int? afterFirstScaleUp = null;
        var rows = new List<HpaReplaySecond>(input.Seconds.Count);
        foreach (var second in input.Seconds)
        {
            var t = (double)second.Second;
            var ready = readyAt.Count(at => at <= t);
            double? demand = second.Demand is { } ratio ? ratio * settings.RecordedReplicas : null;
            if (IsTick(t, spec.ScrapeIntervalSeconds, settings.ScrapeOffsetSeconds) && demand is { } d && ready > 0)
            {
                scraped = d / ready;
                scrapedReady = ready;
            }

            if (IsTick(t, spec.SyncPeriodSeconds, settings.SyncOffsetSeconds) && scraped is { } metric)
            {
                var current = readyAt.Count;
                var desired = controller.Reconcile(t, current, Math.Min(scrapedReady, current), metric);
                if (desired > current)
                {
                    for (var i = current; i < desired; i++)
                    {
                        readyAt.Add(t + settings.PodStartupSeconds);
                    }

                    if (spikeStart is { } s && t >= s && firstScaleUp is null)
                    {
                        firstScaleUp = t - s;
                        afterFirstScaleUp = desired;
                    }
                }
                else if (desired < current)
                {
                    readyAt.Sort();
                    readyAt.RemoveRange(desired, current - desired);
                }

                ready = readyAt.Count(at => at <= t);
            }

            var recordedRefusals = second.Refused * settings.RecordedReplicas;
            var replayedRefusals = podCapacity is { } c
                ? Math.Min(recordedRefusals, Math.Max(0, second.Offered * settings.RecordedReplicas - ready * c))
                : recordedRefusals;
            rows.Add(new HpaReplaySecond(second.Second, second.Phase, demand, scraped, readyAt.Count, ready, recordedRefusals, replayedRefusals));
        }

        return Summarise(input, spec, settings, spikeStart, firstScaleUp, afterFirstScaleUp, podCapacity, rows);
    }

    private static HpaReplayResult Summarise(HpaReplayInput input, HpaSpec spec, HpaReplaySettings settings, double? spikeStart,
        double? firstScaleUp, int? afterFirstScaleUp, double? podCapacity, List<HpaReplaySecond> rows)
    {
        var spikeRows = rows.Where(r => r.Phase == settings.SpikePhase).ToList();
        double? peakDemand = spikeRows.Count > 0 ? spikeRows.Max(r => r.FleetDemand ?? 0) : rows.Max(r => r.FleetDemand);
        double? caughtUp = null;
        if (spikeStart is { } s)
        {
            // The first second after the spike's start from which ready pods cover the demand for the rest of the run.
            var after = rows.Where(r => r.Second >= s).ToList();
            for (var i = after.Count - 1; i >= 0 && after[i].Ready >= (after[i].FleetDemand ?? 0); i--)
            {
                caughtUp = after[i].Second - s;
            }
        }

        return new HpaReplayResult
        {
            Scenario = input.Scenario,
            Hpa = spec,
            Settings = settings,
            SpikeStartSeconds = spikeStart,
            FirstScaleUpAfterSpikeSeconds = firstScaleUp,
            ReplicasAfterFirstScaleUp = afterFirstScaleUp,
            PeakReplicas = rows.Count == 0 ? settings.RecordedReplicas : rows.Max(r => r.Replicas),
            PeakFleetDemand = peakDemand,
            PodsToCoverPeak = peakDemand is { } p ? (int)Math.Ceiling(p) : null,
            CapacityCaughtUpAfterSpikeSeconds = caughtUp,
            PodCapacityRps = podCapacity,
            RecordedRefusals = rows.Sum(r => r.RecordedRefusals),
            ReplayedRefusals = Math.Round(rows.Sum(r => r.ReplayedRefusals), 1),
            Seconds = rows,
        };
    }

    /// <summary>The recorded pod's admitted requests per second over the seconds in which it refused some.</summary>
    private static double? PodCapacityRps(IReadOnlyList<RecordedSecond> seconds)
    {
        var saturated = seconds.Where(s => s.Refused > 0).ToList();
        return saturated.Count == 0 ? null : saturated.Average(s => s.Admitted);
    }

    private static bool IsTick(double t, double period, double offset)
    {
        var phase = (t - offset) % period;
        return Math.Abs(phase) < 1e-9 || Math.Abs(phase - period) < 1e-9;
    }
}

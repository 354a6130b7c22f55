namespace Gateway.Serving.Diagnostics;

/// <summary>
/// How <see cref="DemandGauge"/> smooths and measures. Fixed in the product (<see cref="Default"/>): the HPA target in
/// deploy/k8s is explained in terms of these windows, so they are not a configuration knob.
/// </summary>
/// <param name="OfferedTimeConstant">EWMA time constant of the offered token rate. 5 s, the ServiceMonitor's scrape
/// interval: the first scrape after a step in load sees 63 % of it, so a 10x spike passes the HPA's threshold at the
/// first sync after it. A 10 s average showed 39 % there and missed that sync in replays; bursty arrivals at a few
/// requests per second read about 1.2-1.3x noisier on 5 s, which the HPA's 300 s scale-down window absorbs.</param>
/// <param name="RefusedTimeConstant">Time constant of the second, faster average of refused work (3 s: a spike's
/// refusals show 80 % after 5 s, so the next scrape and sync see them; see <see cref="DemandGauge"/>).</param>
/// <param name="GenerationTimeConstant">EWMA time constant of the mean tokens generated per request (60 s: the
/// request mix changes slowly, and one long generation must not swing the estimate).</param>
/// <param name="CapacitySampleBusySeconds">Engine busy time per capacity sample (5 s: long enough to mix prefill-heavy
/// and decode-heavy steps, so a burst of cheap prefill tokens does not pass for capacity).</param>
/// <param name="CapacityHalfLife">How fast a held capacity peak fades when no sample reaches it again (5 min).</param>
/// <param name="BacklogHorizon">Time over which waiting requests count as demand (10 s: a backlog weighs as much as
/// the same work arriving over 10 s; latency admission keeps it small, so it matters mostly with admission off).</param>
/// <param name="DefaultExpectedGeneration">Expected generated tokens of a request without max_tokens before any
/// request has generated.</param>
internal readonly record struct DemandGaugeSettings(
    TimeSpan OfferedTimeConstant,
    TimeSpan RefusedTimeConstant,
    TimeSpan GenerationTimeConstant,
    double CapacitySampleBusySeconds,
    TimeSpan CapacityHalfLife,
    TimeSpan BacklogHorizon,
    int DefaultExpectedGeneration)
{
    public static DemandGaugeSettings Default { get; } = new(
        TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(60), 5.0, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(10), 256);

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(OfferedTimeConstant, TimeSpan.Zero, nameof(OfferedTimeConstant));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RefusedTimeConstant, TimeSpan.Zero, nameof(RefusedTimeConstant));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(RefusedTimeConstant, OfferedTimeConstant, nameof(RefusedTimeConstant));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(GenerationTimeConstant, TimeSpan.Zero, nameof(GenerationTimeConstant));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(CapacitySampleBusySeconds, nameof(CapacitySampleBusySeconds));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CapacityHalfLife, TimeSpan.Zero, nameof(CapacityHalfLife));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(BacklogHorizon, TimeSpan.Zero, nameof(BacklogHorizon));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(DefaultExpectedGeneration, nameof(DefaultExpectedGeneration));
    }
}

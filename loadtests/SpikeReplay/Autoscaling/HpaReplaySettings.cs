namespace SpikeReplay.Autoscaling;

/// <summary>How the recorded pod maps onto a fleet, and how long a new pod takes.</summary>
/// <param name="RecordedReplicas">The fleet the recording stands for: each of this many pods got the traffic the
/// recorded pod got, so the fleet's demand is this times the recorded ratio (default: the HPA's minReplicas).</param>
/// <param name="PodStartupSeconds">From the HPA raising the replica count to the new pod being ready and in the
/// Service (scheduling, image already on the node, model load from the shared volume, readiness probe).</param>
/// <param name="SyncOffsetSeconds">When, within a sync period, the controller's syncs fall.</param>
/// <param name="ScrapeOffsetSeconds">When, within a scrape interval, Prometheus scrapes.</param>
/// <param name="SpikePhase">The phase whose start is "the spike's start".</param>
internal sealed record HpaReplaySettings(
    int RecordedReplicas,
    double PodStartupSeconds,
    double SyncOffsetSeconds = 0,
    double ScrapeOffsetSeconds = 0,
    string SpikePhase = "spike");

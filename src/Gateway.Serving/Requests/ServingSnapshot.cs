namespace Gateway.Serving;

/// <summary>A point-in-time view of the serving core, for health endpoints, metrics and load shedding.</summary>
/// <param name="Accepting">False once draining for shutdown has begun.</param>
/// <param name="Waiting">Requests accepted but not yet scheduled (including preempted ones).</param>
/// <param name="Running">Requests holding KV blocks and being scheduled every step.</param>
/// <param name="QueuedPromptTokens">Prompt tokens of accepted requests not yet fully prefilled.</param>
/// <param name="KvBlocksFree">Blocks holding nothing.</param>
/// <param name="KvBlocksUsed">Blocks referenced by running sequences.</param>
/// <param name="KvBlocksCached">Unreferenced blocks that keep a reusable prefix until evicted.</param>
/// <param name="KvBlocksTotal">The pool size.</param>
/// <param name="TokensPerSecond">Prompt plus generated tokens processed per second, over the recent window.</param>
/// <param name="PrefillTokensPerSecond">Prompt tokens processed per second of engine time, over the recent window.</param>
/// <param name="Preemptions">Sequences preempted (and later recomputed) since start.</param>
/// <param name="Steps">Engine steps run since start.</param>
public sealed record ServingSnapshot(
    bool Accepting,
    int Waiting,
    int Running,
    long QueuedPromptTokens,
    int KvBlocksFree,
    int KvBlocksUsed,
    int KvBlocksCached,
    int KvBlocksTotal,
    double TokensPerSecond,
    double PrefillTokensPerSecond,
    long Preemptions,
    long Steps)
{
    /// <summary>True while the engine warms up at start: requests are accepted but wait until it is done.</summary>
    public bool WarmingUp { get; init; }

    public double KvCacheUsageRatio => KvBlocksTotal == 0 ? 0 : (double)KvBlocksUsed / KvBlocksTotal;
}

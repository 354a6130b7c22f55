using Gateway.Inference;

namespace Gateway.Serving;

/// <summary>The <c>Serving</c> configuration section: queue limits, batch shape and KV cache sizing.</summary>
public sealed class ServingOptions
{
    public const string SectionName = "Serving";

    /// <summary>KV pool size the host gives the model runner; the serving core takes the pool's geometry from the runner.</summary>
    public int KvCacheMemoryMiB { get; set; } = 512;

    /// <summary>Element type of the KV pool the host gives the model runner (F16 halves the memory of F32).</summary>
    public KvCacheType KvCacheType { get; set; } = KvCacheType.F16;

    /// <summary>Tokens per KV block the host gives the model runner.</summary>
    public int BlockSize { get; set; } = 16;

    /// <summary>Accepted-but-unscheduled requests beyond which new ones are refused with <see cref="RefusalReason.QueueFull"/>.</summary>
    public int MaxWaitingRequests { get; set; } = 256;

    /// <summary>Prompt tokens of accepted-but-unscheduled requests beyond which new ones are refused.</summary>
    public long MaxQueuedPromptTokens { get; set; } = 262_144;

    /// <summary>Per-step token budget (decode tokens plus prefill chunks); capped by the runner's own maximum.</summary>
    public int MaxBatchTokens { get; set; } = 512;

    /// <summary>Most sequences decoding together.</summary>
    public int MaxRunningSequences { get; set; } = 64;

    /// <summary>
    /// Most seconds the start-up warm-up may take before the scheduler serves requests (and <c>/readyz</c> turns ready);
    /// 0 turns it off. It usually settles well before this.
    /// </summary>
    public int WarmupSeconds { get; set; } = 15;

    /// <summary>Reuse KV blocks of identical prompt prefixes across requests.</summary>
    public bool EnablePrefixCaching { get; set; } = true;
}

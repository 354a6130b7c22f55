namespace Gateway.Engine.Onnx.Runtime;

/// <summary>
/// How the ONNX runner sizes its KV blocks, batch and threads: the host fills it from the same <c>Serving</c> and
/// <c>Model</c> keys as for the GGUF engine, so both engines hand the scheduler the same kind of pool.
/// </summary>
public sealed class OnnxModelLoadOptions
{
    public int BlockSize { get; set; } = 16;

    public int KvCacheMemoryMiB { get; set; } = 256;

    /// <summary>Explicit block count; overrides <see cref="KvCacheMemoryMiB"/> when set.</summary>
    public int? KvCacheBlocks { get; set; }

    public int MaxBatchTokens { get; set; } = 512;

    /// <summary>ONNX Runtime intra-op threads; 0 means one per logical processor, as for the GGUF engine.</summary>
    public int Threads { get; set; }

    /// <summary>
    /// The intra-op thread count the session gets. 0 is not passed on: ONNX Runtime's own default counts physical cores,
    /// and on a 2-vCPU VM it ran every step on one thread (0.7 CPUs busy, 8 streams 236 tok/s against 384 with 2).
    /// </summary>
    public int EffectiveThreads => Threads > 0 ? Threads : Environment.ProcessorCount;

    /// <summary>Caps the context below the model's; 0 keeps the model's.</summary>
    public int ContextLength { get; set; }

    /// <summary>Served model id; defaults to the folder name.</summary>
    public string? ModelName { get; set; }
}

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

    /// <summary>ONNX Runtime intra-op threads; 0 lets ONNX Runtime use every physical core.</summary>
    public int Threads { get; set; }

    /// <summary>Caps the context below the model's; 0 keeps the model's.</summary>
    public int ContextLength { get; set; }

    /// <summary>Served model id; defaults to the folder name.</summary>
    public string? ModelName { get; set; }
}

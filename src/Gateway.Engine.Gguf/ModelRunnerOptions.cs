using Gateway.Inference;
namespace Gateway.Engine.Gguf;

/// <summary>How a model runner sizes its memory and threads.</summary>
public sealed class ModelRunnerOptions
{
    /// <summary>Tokens per KV block (vLLM's default is 16: small enough to waste little, large enough to amortize lookups).</summary>
    public int BlockSize { get; set; } = 16;

    /// <summary>KV pool size in MiB; the block count is derived from it.</summary>
    public int KvCacheMemoryMiB { get; set; } = 256;

    /// <summary>Explicit block count; overrides <see cref="KvCacheMemoryMiB"/> when set.</summary>
    public int? KvCacheBlocks { get; set; }

    public KvCacheType KvCacheType { get; set; } = KvCacheType.F16;

    /// <summary>Most tokens one forward pass processes (sizes the scratch buffers).</summary>
    public int MaxBatchTokens { get; set; } = 512;

    /// <summary>Worker threads for the kernels; 0 uses every core.</summary>
    public int Threads { get; set; }

    /// <summary>Caps the context below the model's trained length (saves RoPE tables and KV); 0 keeps the model's.</summary>
    public int ContextLength { get; set; }

    /// <summary>Served model id; defaults to the file name without extension.</summary>
    public string? ModelName { get; set; }
}

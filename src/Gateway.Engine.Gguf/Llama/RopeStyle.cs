namespace Gateway.Engine.Gguf.Llama;

/// <summary>
/// Which dimensions RoPE rotates together. GGUF llama checkpoints are permuted at conversion so that adjacent pairs
/// rotate (<see cref="Interleaved"/>); Qwen2 and other NeoX-style models rotate the two halves of each head.
/// </summary>
public enum RopeStyle
{
    Interleaved,
    NeoX,
}

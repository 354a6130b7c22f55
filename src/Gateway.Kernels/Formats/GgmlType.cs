namespace Gateway.Kernels;

/// <summary>Tensor element types, numbered exactly as in ggml's <c>ggml_type</c> enum (the GGUF on-disk value).</summary>
public enum GgmlType : uint
{
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q4_1 = 3,
    Q8_0 = 8,
    Q4_K = 12,
    Q6_K = 14,
    Q8_K = 15,
    BF16 = 30,
}

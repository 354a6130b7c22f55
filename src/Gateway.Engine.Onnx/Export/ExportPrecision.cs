namespace Gateway.Engine.Onnx.Export;

/// <summary>How the exporter stores the decoder's matrices.</summary>
public enum ExportPrecision
{
    /// <summary>com.microsoft MatMulNBits, 4-bit blocks of 32 with a float scale each (GGUF Q4_0 repacks losslessly).</summary>
    Int4,

    /// <summary>Plain float MatMul: exact, four times the size of the weights in FP16 files.</summary>
    Fp32,
}

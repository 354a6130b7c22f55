namespace Gateway.Engine.Onnx.Runtime;

/// <summary>The <c>Onnx</c> configuration section: how the ONNX Runtime engine runs an exported or official model folder.</summary>
public sealed class OnnxRunnerOptions
{
    public const string SectionName = "Onnx";

    /// <summary>"cpu" (default) or "cuda" (needs the Microsoft.ML.OnnxRuntime.Gpu.Linux build and a CUDA device).</summary>
    public string ExecutionProvider { get; set; } = "cpu";

    /// <summary>Largest batch of rows (decode tokens, or one prefill piece) one ONNX Runtime run takes; sizes the logits buffer.</summary>
    public int MaxRowsPerRun { get; set; } = 128;

    /// <summary>Throws <see cref="ArgumentException"/> naming the key when a value is out of range.</summary>
    public void Validate()
    {
        if (ExecutionProvider is not ("cpu" or "cuda"))
        {
            throw new ArgumentException($"Onnx:ExecutionProvider must be 'cpu' or 'cuda', not '{ExecutionProvider}'");
        }

        if (MaxRowsPerRun is < 1 or > 4096)
        {
            throw new ArgumentException($"Onnx:MaxRowsPerRun must be in 1..4096, not {MaxRowsPerRun}");
        }
    }
}

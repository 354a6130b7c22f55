namespace Gateway.Engine.Gguf.Quantization;

/// <summary>What a quantization run did, for the CLI to print.</summary>
public sealed record QuantizationReport(int TensorsConverted, IReadOnlyList<string> Fallbacks, long InputBytes, long OutputBytes);

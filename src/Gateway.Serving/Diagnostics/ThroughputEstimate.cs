namespace Gateway.Serving.Diagnostics;

/// <summary>Recent engine throughput; <see cref="HasData"/> is false until steps have been measured in the window.</summary>
/// <param name="TokensPerSecond">All tokens processed per wall-clock second.</param>
/// <param name="PrefillTokensPerSecond">Prompt tokens processed per second spent in steps that did prefill.</param>
/// <param name="MeanStepSeconds">Average engine step duration.</param>
internal readonly record struct ThroughputEstimate(bool HasData, double TokensPerSecond, double PrefillTokensPerSecond, double MeanStepSeconds)
{
    public static ThroughputEstimate None => default;
}

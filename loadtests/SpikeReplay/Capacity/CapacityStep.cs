using System.Text.Json.Serialization;

namespace SpikeReplay.Capacity;

/// <summary>One rate tried by the capacity probe and whether the gateway held the SLO at it.</summary>
internal sealed record CapacityStep(
    [property: JsonPropertyName("rps")] double Rps,
    [property: JsonPropertyName("admitted_rps")] double AdmittedRps,
    [property: JsonPropertyName("p95_ttft_ms")] double? P95TtftMilliseconds,
    [property: JsonPropertyName("refusal_ratio")] double? RefusalRatio,
    [property: JsonPropertyName("error_count")] int ErrorCount,
    [property: JsonPropertyName("passed")] bool Passed);

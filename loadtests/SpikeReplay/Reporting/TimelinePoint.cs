using System.Text.Json.Serialization;

namespace SpikeReplay.Reporting;

/// <summary>One second of the run: arrivals scheduled in it, 2xx among the requests sent in it, and their TTFT.</summary>
internal sealed record TimelinePoint(
    [property: JsonPropertyName("second")] int Second,
    [property: JsonPropertyName("phase")] string Phase,
    [property: JsonPropertyName("offered")] int Offered,
    [property: JsonPropertyName("admitted")] int Admitted,
    [property: JsonPropertyName("refused")] int Refused,
    [property: JsonPropertyName("ttft_p50_ms")] double? TtftP50,
    [property: JsonPropertyName("ttft_p95_ms")] double? TtftP95);

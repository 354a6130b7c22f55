using System.Text.Json.Serialization;

namespace SpikeReplay.Reporting;

/// <summary>Aggregates for one phase, or for the whole run.</summary>
internal sealed record WindowSummary
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("duration_s")]
    public required double DurationSeconds { get; init; }

    /// <summary>Arrivals the plan put in this window (sent or dropped).</summary>
    [JsonPropertyName("offered")]
    public required int Offered { get; init; }

    [JsonPropertyName("offered_rps")]
    public required double OfferedRps { get; init; }

    [JsonPropertyName("sent")]
    public required int Sent { get; init; }

    /// <summary>Requests answered with a 2xx status.</summary>
    [JsonPropertyName("admitted")]
    public required int Admitted { get; init; }

    [JsonPropertyName("admitted_rps")]
    public required double AdmittedRps { get; init; }

    [JsonPropertyName("completed")]
    public required int Completed { get; init; }

    /// <summary>Keys are HTTP status codes, or outcome names for requests without one.</summary>
    [JsonPropertyName("status_counts")]
    public required IReadOnlyDictionary<string, int> StatusCounts { get; init; }

    /// <summary>429 and 503 answers: the gateway shedding load.</summary>
    [JsonPropertyName("refusals")]
    public required int Refusals { get; init; }

    [JsonPropertyName("refusals_with_retry_after")]
    public required int RefusalsWithRetryAfter { get; init; }

    [JsonPropertyName("refusal_retry_after_pct")]
    public required double? RefusalRetryAfterPercent { get; init; }

    /// <summary>Refusals over requests sent.</summary>
    [JsonPropertyName("refusal_ratio")]
    public required double? RefusalRatio { get; init; }

    /// <summary>5xx other than 503 (503 is a refusal).</summary>
    [JsonPropertyName("server_errors")]
    public required int ServerErrors { get; init; }

    /// <summary>Transport, stream and timeout failures.</summary>
    [JsonPropertyName("client_side_errors")]
    public required int ClientSideErrors { get; init; }

    [JsonPropertyName("client_dropped")]
    public required int ClientDropped { get; init; }

    [JsonPropertyName("ttft_ms")]
    public required LatencyStats Ttft { get; init; }

    [JsonPropertyName("itl_ms")]
    public required LatencyStats InterTokenLatency { get; init; }

    [JsonPropertyName("tpot_ms")]
    public required LatencyStats Tpot { get; init; }

    [JsonPropertyName("e2e_ms")]
    public required LatencyStats EndToEnd { get; init; }

    /// <summary>How late the client sent requests versus the plan; a large value means the client, not the server, limited the test.</summary>
    [JsonPropertyName("dispatch_lag_ms")]
    public required LatencyStats DispatchLag { get; init; }

    [JsonPropertyName("goodput")]
    public required int Goodput { get; init; }

    [JsonPropertyName("goodput_rps")]
    public required double GoodputRps { get; init; }

    /// <summary>Good requests over admitted (2xx) ones: of what the gateway accepted, how much it served within SLO.</summary>
    [JsonPropertyName("goodput_ratio")]
    public required double? GoodputRatio { get; init; }

    /// <summary>Good requests over offered ones, refusals included.</summary>
    [JsonPropertyName("offered_goodput_ratio")]
    public required double? OfferedGoodputRatio { get; init; }
}

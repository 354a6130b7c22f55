using System.Text.Json.Serialization;

namespace SpikeReplay.Client;

/// <summary>Everything measured for one planned request. Times are milliseconds from the run start or request start.</summary>
internal sealed record RequestRecord
{
    [JsonPropertyName("index")]
    public required int Index { get; init; }

    [JsonPropertyName("phase")]
    public required string Phase { get; init; }

    [JsonPropertyName("scheduled_ms")]
    public required double ScheduledMilliseconds { get; init; }

    /// <summary>When the request actually left; later than scheduled when the dispatcher fell behind.</summary>
    [JsonPropertyName("sent_ms")]
    public double? SentMilliseconds { get; init; }

    [JsonPropertyName("outcome")]
    [JsonConverter(typeof(JsonStringEnumConverter<RequestOutcome>))]
    public required RequestOutcome Outcome { get; init; }

    [JsonPropertyName("status")]
    public int? StatusCode { get; init; }

    [JsonPropertyName("retry_after")]
    public bool HasRetryAfter { get; init; }

    [JsonPropertyName("prompt_tokens")]
    public int PromptTokens { get; init; }

    [JsonPropertyName("max_tokens")]
    public int MaxTokens { get; init; }

    [JsonPropertyName("ttft_ms")]
    public double? TtftMilliseconds { get; init; }

    [JsonPropertyName("itl_ms")]
    public IReadOnlyList<double> InterTokenGapsMilliseconds { get; init; } = [];

    [JsonPropertyName("tpot_ms")]
    public double? TpotMilliseconds { get; init; }

    [JsonPropertyName("e2e_ms")]
    public double? EndToEndMilliseconds { get; init; }

    [JsonPropertyName("tokens")]
    public int TokensReceived { get; init; }

    [JsonPropertyName("error")]
    public string? Error { get; init; }

    [JsonIgnore]
    public bool IsSuccess => Outcome == RequestOutcome.Completed;

    [JsonIgnore]
    public bool IsRefusal => StatusCode is 429 or 503;

    [JsonIgnore]
    public bool IsServerError => StatusCode is >= 500 and not 503;
}

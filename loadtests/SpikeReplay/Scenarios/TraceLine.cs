using System.Text.Json.Serialization;

namespace SpikeReplay.Scenarios;

/// <summary>One recorded request in a JSONL trace: when it arrived and what it asked for.</summary>
internal sealed record TraceLine
{
    [JsonPropertyName("offset_ms")]
    public double? OffsetMilliseconds { get; init; }

    [JsonPropertyName("model")]
    public string? Model { get; init; }

    [JsonPropertyName("prompt")]
    public string? Prompt { get; init; }

    [JsonPropertyName("prompt_tokens")]
    public int? PromptTokens { get; init; }

    [JsonPropertyName("max_tokens")]
    public int? MaxTokens { get; init; }
}

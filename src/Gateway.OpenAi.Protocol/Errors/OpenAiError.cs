using System.Text.Json.Serialization;

namespace Gateway.OpenAi;

/// <summary>
/// The body of every error the gateway returns, in the shape OpenAI's API and SDKs expect:
/// <c>{"error":{"message","type","param","code"}}</c>. SDKs read <c>type</c> and <c>code</c> to decide whether to retry.
/// </summary>
public sealed record OpenAiError(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("param")] string? Param,
    [property: JsonPropertyName("code")] string? Code);

/// <summary>The envelope OpenAI wraps an <see cref="OpenAiError"/> in.</summary>
public sealed record OpenAiErrorEnvelope([property: JsonPropertyName("error")] OpenAiError Error);

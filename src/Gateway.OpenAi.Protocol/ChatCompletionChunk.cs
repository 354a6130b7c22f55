using System.Text.Json.Serialization;

namespace Gateway.OpenAi;

/// <summary>One server-sent event of a streamed chat completion (<c>object: "chat.completion.chunk"</c>).</summary>
public sealed record ChatCompletionChunk(string Id, long Created, string Model, IReadOnlyList<ChatChunkChoice> Choices, Usage? Usage)
{
    public string Object => "chat.completion.chunk";

    public string SystemFingerprint => ApiConstants.SystemFingerprint;
}

public sealed record ChatChunkChoice(int Index, ChatDelta Delta, ChatLogprobs? Logprobs, string? FinishReason);

/// <summary>The first delta of each choice carries the role; later ones carry content only.</summary>
public sealed record ChatDelta(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Role,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Content);

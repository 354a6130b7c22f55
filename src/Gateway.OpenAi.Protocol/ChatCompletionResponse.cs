namespace Gateway.OpenAi;

/// <summary>A non-streamed chat completion (<c>object: "chat.completion"</c>).</summary>
public sealed record ChatCompletionResponse(string Id, long Created, string Model, IReadOnlyList<ChatChoice> Choices, Usage Usage)
{
    public string Object => "chat.completion";

    public string SystemFingerprint => ApiConstants.SystemFingerprint;
}

public sealed record ChatChoice(int Index, ChatResponseMessage Message, ChatLogprobs? Logprobs, string? FinishReason);

public sealed record ChatResponseMessage(string Role, string? Content)
{
    public string? Refusal => null;
}

/// <summary>Chat-style log-probabilities: one entry per generated token with its alternatives.</summary>
public sealed record ChatLogprobs(IReadOnlyList<ChatTokenLogprob> Content);

public sealed record ChatTokenLogprob(string Token, float Logprob, int[] Bytes, IReadOnlyList<ChatTopLogprob> TopLogprobs);

public sealed record ChatTopLogprob(string Token, float Logprob, int[] Bytes);

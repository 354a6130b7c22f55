namespace Gateway.OpenAi;

/// <summary>A text completion (<c>object: "text_completion"</c>), also the shape of each streamed chunk.</summary>
public sealed record CompletionResponse(string Id, long Created, string Model, IReadOnlyList<CompletionChoice> Choices, Usage? Usage)
{
    public string Object => "text_completion";

    public string SystemFingerprint => ApiConstants.SystemFingerprint;
}

public sealed record CompletionChoice(string Text, int Index, CompletionLogprobs? Logprobs, string? FinishReason);

/// <summary>The legacy completions log-probability shape: parallel arrays.</summary>
public sealed record CompletionLogprobs(
    IReadOnlyList<string> Tokens,
    IReadOnlyList<float> TokenLogprobs,
    IReadOnlyList<Dictionary<string, float>> TopLogprobs,
    IReadOnlyList<int> TextOffset);

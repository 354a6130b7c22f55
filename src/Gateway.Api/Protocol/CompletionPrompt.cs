namespace Gateway.Api.Protocol;

/// <summary>One prompt of a completions request.</summary>
internal sealed record CompletionPrompt(string? Text, int[]? Tokens)
{
    public static CompletionPrompt FromText(string text) => new(text, null);

    public static CompletionPrompt FromTokens(int[] tokens) => new(null, tokens);
}

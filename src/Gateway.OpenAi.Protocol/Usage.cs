namespace Gateway.OpenAi;

/// <summary>Token accounting, as OpenAI reports it; cached prompt tokens are the prefix-cache hits.</summary>
public sealed record Usage(int PromptTokens, int CompletionTokens, int TotalTokens, PromptTokensDetails PromptTokensDetails);

public sealed record PromptTokensDetails(int CachedTokens);

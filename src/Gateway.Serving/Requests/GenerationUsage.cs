namespace Gateway.Serving;

/// <summary>Token accounting of a finished request.</summary>
/// <param name="CachedPromptTokens">Prompt tokens served from the prefix cache instead of being computed.</param>
public sealed record GenerationUsage(int PromptTokens, int CompletionTokens, int CachedPromptTokens);

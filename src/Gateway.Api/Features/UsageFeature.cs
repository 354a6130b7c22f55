namespace Gateway.Api.Features;

/// <summary>
/// Tokens a finished request actually used, set by the API before the response completes so middleware that reserved
/// tokens up front (the front door's tokens-per-minute limit) can reconcile the reservation with reality.
/// </summary>
public sealed class UsageFeature
{
    public int PromptTokens { get; set; }

    public int CompletionTokens { get; set; }

    public string? Model { get; set; }
}

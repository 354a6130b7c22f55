namespace Gateway.FrontDoor.Requests;

/// <summary>The few body fields the front door needs before the endpoint runs.</summary>
internal readonly record struct RequestBodySummary(string? Model, int? MaxTokens, int PromptTokenEstimate);

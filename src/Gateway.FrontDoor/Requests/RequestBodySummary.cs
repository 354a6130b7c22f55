namespace Gateway.FrontDoor.Requests;

/// <summary>The few body fields the front door needs before the endpoint runs.</summary>
/// <param name="Model">The body's <c>model</c>, when it is a string.</param>
/// <param name="MaxTokens">The body's <c>max_tokens</c> or <c>max_completion_tokens</c>, when a positive integer.</param>
/// <param name="PromptTokenEstimate">String bytes / 4.</param>
/// <param name="Stream">Whether <c>stream</c> is true.</param>
/// <param name="IncludeUsage">Whether <c>stream_options.include_usage</c> is true.</param>
internal readonly record struct RequestBodySummary(string? Model, int? MaxTokens, int PromptTokenEstimate, bool Stream, bool IncludeUsage);

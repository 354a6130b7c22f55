using Gateway.Inference;

namespace Gateway.Api.Protocol;

/// <summary>The generation parameters chat and text completions share, validated.</summary>
internal sealed record GenerationOptions(
    int? MaxTokens,
    SamplingParams Sampling,
    IReadOnlyList<string> Stop,
    int N,
    bool Stream,
    bool IncludeUsage,
    string? User,
    int Priority);

using Gateway.Inference;

namespace Gateway.Serving;

/// <summary>One completion to generate.</summary>
/// <param name="RequestId">Caller's id, echoed on the stream and in logs and traces.</param>
/// <param name="PromptTokens">The tokenized prompt (template applied, BOS included when the model wants it).</param>
/// <param name="MaxTokens">Most tokens to generate; 0 or less means up to the model's context length.</param>
/// <param name="StopSequences">Strings that end generation; the matched string itself is never emitted.</param>
/// <param name="Priority">Higher is scheduled first and preempted last; equal priorities are served in arrival order.</param>
/// <param name="Tenant">Who asked, for metrics and logs.</param>
public sealed record GenerationRequest(
    string RequestId,
    int[] PromptTokens,
    SamplingParams Sampling,
    int MaxTokens,
    IReadOnlyList<string> StopSequences,
    int Priority = 0,
    string Tenant = "anonymous");

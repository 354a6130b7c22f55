using Gateway.Sampling;

namespace Gateway.Serving;

/// <summary>
/// New output of one engine step for one request.
/// </summary>
/// <param name="Text">Text that became final this step (may be empty: incomplete UTF-8 or a possible stop-string start is held back).</param>
/// <param name="TokenIds">Tokens generated this step (end-of-generation tokens are not included).</param>
/// <param name="Tokens">The same tokens with their log-probabilities.</param>
/// <param name="Finish">Set on the last event only.</param>
/// <param name="Usage">Set on the last event only.</param>
/// <param name="Error">Why generation failed, when <see cref="Finish"/> is <see cref="FinishReason.Error"/>.</param>
public sealed record GenerationEvent(
    string Text,
    int[] TokenIds,
    SampledToken[] Tokens,
    FinishReason? Finish,
    GenerationUsage? Usage,
    string? Error);

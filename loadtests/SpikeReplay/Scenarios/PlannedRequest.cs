namespace SpikeReplay.Scenarios;

/// <summary>
/// One arrival of the plan, fixed before the run starts so the offered load never depends on how the server responds.
/// <paramref name="Prompt"/> is set for trace replays; otherwise the prompt is generated at send time from the index.
/// </summary>
internal sealed record PlannedRequest(
    int Index,
    string Phase,
    double OffsetMilliseconds,
    int PromptTokens,
    int MaxTokens,
    string? Prompt = null,
    string? Model = null);

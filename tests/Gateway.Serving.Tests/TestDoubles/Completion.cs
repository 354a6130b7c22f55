namespace Gateway.Serving.Tests.TestDoubles;

/// <summary>Everything one stream delivered.</summary>
internal sealed record Completion(IReadOnlyList<GenerationEvent> Events)
{
    public string Text => string.Concat(Events.Select(e => e.Text));

    public int[] TokenIds => [.. Events.SelectMany(e => e.TokenIds)];

    public GenerationEvent Last => Events[^1];

    public FinishReason? Finish => Last.Finish;

    public GenerationUsage? Usage => Last.Usage;
}

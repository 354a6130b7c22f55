using System.Threading.Channels;

namespace Gateway.Serving;

/// <summary>
/// An accepted request's output: events in order, the last one carrying <see cref="GenerationEvent.Finish"/> and
/// <see cref="GenerationEvent.Usage"/>, after which the channel completes.
/// </summary>
public sealed class GenerationStream
{
    internal GenerationStream(string requestId, int promptTokens, ChannelReader<GenerationEvent> events)
    {
        RequestId = requestId;
        PromptTokens = promptTokens;
        Events = events;
    }

    public string RequestId { get; }

    public int PromptTokens { get; }

    public ChannelReader<GenerationEvent> Events { get; }
}

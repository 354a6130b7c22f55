using Gateway.OpenAi;
using Gateway.Sampling;

namespace Gateway.Api.Streaming;

/// <summary>The wire shape of streamed chunks, which differs between chat and text completions.</summary>
internal interface IChunkFormatter
{
    /// <summary>The chunk that opens a choice (chat sends the role), or null for none.</summary>
    object? Start(int index);

    object Content(int index, string text, IReadOnlyList<SampledToken> tokens);

    object Finish(int index, string? finishReason);

    object UsageOnly(Usage usage);
}

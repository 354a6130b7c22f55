using Gateway.OpenAi;
using Gateway.Sampling;

namespace Gateway.Api.Streaming;

internal sealed class ChatChunkFormatter(string id, long created, string model, LogprobFormatter? logprobs) : IChunkFormatter
{
    public object? Start(int index) => Chunk(new ChatChunkChoice(index, new ChatDelta("assistant", string.Empty), null, null));

    public object Content(int index, string text, IReadOnlyList<SampledToken> tokens) =>
        Chunk(new ChatChunkChoice(index, new ChatDelta(null, text), logprobs?.Chat(tokens), null));

    public object Finish(int index, string? finishReason) => Chunk(new ChatChunkChoice(index, new ChatDelta(null, null), null, finishReason));

    public object UsageOnly(Usage usage) => new ChatCompletionChunk(id, created, model, [], usage);

    private ChatCompletionChunk Chunk(ChatChunkChoice choice) => new(id, created, model, [choice], null);
}

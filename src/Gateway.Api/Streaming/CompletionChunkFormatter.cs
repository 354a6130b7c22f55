using Gateway.OpenAi;
using Gateway.Sampling;

namespace Gateway.Api.Streaming;

/// <param name="echoes">Per choice, the prompt text to send first when the request asked for <c>echo</c>.</param>
internal sealed class CompletionChunkFormatter(string id, long created, string model, LogprobFormatter? logprobs, IReadOnlyList<string>? echoes) : IChunkFormatter
{
    private readonly Dictionary<int, int> _textOffsets = [];

    public object? Start(int index) =>
        echoes is null ? null : Chunk(new CompletionChoice(echoes[index], index, null, null));

    public object Content(int index, string text, IReadOnlyList<SampledToken> tokens)
    {
        var offset = _textOffsets.GetValueOrDefault(index);
        _textOffsets[index] = offset + text.Length;
        return Chunk(new CompletionChoice(text, index, logprobs?.Completion(tokens, offset), null));
    }

    public object Finish(int index, string? finishReason) => Chunk(new CompletionChoice(string.Empty, index, null, finishReason));

    public object UsageOnly(Usage usage) => new CompletionResponse(id, created, model, [], usage);

    private CompletionResponse Chunk(CompletionChoice choice) => new(id, created, model, [choice], null);
}

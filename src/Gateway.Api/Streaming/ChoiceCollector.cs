using Gateway.Serving;

namespace Gateway.Api.Streaming;

/// <summary>Drains every choice's stream into <see cref="CollectedChoice"/>s for a non-streamed response.</summary>
internal static class ChoiceCollector
{
    public static async Task<CollectedChoice[]> CollectAsync(IReadOnlyList<GenerationStream> streams, CancellationToken cancellationToken)
    {
        var choices = streams.Select(_ => new CollectedChoice()).ToArray();
        await foreach (var (index, e) in ChoiceStreamMerger.ReadAllAsync(streams, cancellationToken).ConfigureAwait(false))
        {
            var choice = choices[index];
            choice.Text.Append(e.Text);
            choice.Tokens.AddRange(e.Tokens);
            choice.Finish = e.Finish ?? choice.Finish;
            choice.Usage = e.Usage ?? choice.Usage;
            choice.Error = e.Error ?? choice.Error;
        }

        return choices;
    }
}

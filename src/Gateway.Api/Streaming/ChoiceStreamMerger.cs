using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Gateway.Serving;

namespace Gateway.Api.Streaming;

/// <summary>
/// Interleaves the event streams of several choices (n &gt; 1, or several prompts) in arrival order, so every choice's
/// tokens go out as soon as they exist rather than one choice after another.
/// </summary>
internal static class ChoiceStreamMerger
{
    public static async IAsyncEnumerable<ChoiceEvent> ReadAllAsync(IReadOnlyList<GenerationStream> streams, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (streams.Count == 1)
        {
            await foreach (var e in streams[0].Events.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return new ChoiceEvent(0, e);
            }

            yield break;
        }

        var merged = Channel.CreateUnbounded<ChoiceEvent>(new UnboundedChannelOptions { SingleReader = true });
        var pumps = streams.Select((stream, index) => PumpAsync(stream, index, merged.Writer, cancellationToken)).ToArray();
        _ = Task.WhenAll(pumps).ContinueWith(t => merged.Writer.TryComplete(t.Exception), TaskScheduler.Default);
        await foreach (var e in merged.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return e;
        }
    }

    private static async Task PumpAsync(GenerationStream stream, int index, ChannelWriter<ChoiceEvent> writer, CancellationToken cancellationToken)
    {
        await foreach (var e in stream.Events.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            await writer.WriteAsync(new ChoiceEvent(index, e), cancellationToken).ConfigureAwait(false);
        }
    }
}

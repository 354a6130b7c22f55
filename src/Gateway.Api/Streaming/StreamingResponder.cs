using Gateway.OpenAi;
using Gateway.Serving;
using Microsoft.AspNetCore.Http;

namespace Gateway.Api.Streaming;

/// <summary>
/// Streams choices as server-sent events: an opening chunk per choice, a chunk per text delta the moment the scheduler
/// produced it, a closing chunk with finish_reason, an optional usage chunk, then <c>[DONE]</c>.
/// </summary>
internal static class StreamingResponder
{
    public static async Task<Usage> RunAsync(
        HttpContext context, IReadOnlyList<GenerationStream> streams, IChunkFormatter formatter, bool includeUsage,
        int choicesPerPrompt, CancellationToken cancellationToken)
    {
        var sse = new ServerSentEventWriter(context);
        var usages = new GenerationUsage?[streams.Count];
        for (var i = 0; i < streams.Count; i++)
        {
            if (formatter.Start(i) is { } opening)
            {
                await sse.WriteAsync(opening, cancellationToken).ConfigureAwait(false);
            }
        }

        await foreach (var (index, e) in ChoiceStreamMerger.ReadAllAsync(streams, cancellationToken).ConfigureAwait(false))
        {
            if (e.Error is not null)
            {
                await sse.WriteErrorAsync(e.Error, OpenAiErrorTypes.Server, "generation_failed", cancellationToken).ConfigureAwait(false);
                return UsageCalculator.Sum(usages, choicesPerPrompt);
            }

            if (e.Text.Length > 0 || e.Tokens.Length > 0)
            {
                await sse.WriteAsync(formatter.Content(index, e.Text, e.Tokens), cancellationToken).ConfigureAwait(false);
            }

            usages[index] = e.Usage ?? usages[index];
            if (e.Finish is { } finish)
            {
                await sse.WriteAsync(formatter.Finish(index, UsageCalculator.FinishReasonText(finish)), cancellationToken).ConfigureAwait(false);
            }
        }

        var usage = UsageCalculator.Sum(usages, choicesPerPrompt);
        if (includeUsage)
        {
            await sse.WriteAsync(formatter.UsageOnly(usage), cancellationToken).ConfigureAwait(false);
        }

        await sse.WriteDoneAsync(cancellationToken).ConfigureAwait(false);
        return usage;
    }
}

using Gateway.Api.Features;
using Gateway.Api.Protocol;
using Gateway.Api.Streaming;
using Gateway.OpenAi;
using Gateway.Serving;
using Microsoft.AspNetCore.Http;

namespace Gateway.Api.Endpoints;

/// <summary>
/// The part both completion endpoints share once their choices are submitted: stream them as SSE or collect them into
/// one JSON body, turn a generation error into a 500 and a timeout into a 504, and record the usage for the front door.
/// </summary>
internal static class ChoiceResponder
{
    public static async Task RespondAsync(
        HttpContext context, IReadOnlyList<GenerationStream> streams, GenerationOptions options, string model,
        CancellationTokenSource lifetime, ApiOptions settings, IChunkFormatter formatter,
        Func<CollectedChoice[], Usage, object> buildResponse)
    {
        Usage usage;
        try
        {
            if (options.Stream)
            {
                usage = await StreamingResponder.RunAsync(context, streams, formatter, options.IncludeUsage, options.N, lifetime.Token).ConfigureAwait(false);
            }
            else
            {
                var choices = await ChoiceCollector.CollectAsync(streams, lifetime.Token).ConfigureAwait(false);
                if (choices.FirstOrDefault(c => c.Error is not null) is { } failed)
                {
                    throw new OpenAiRequestException(500, failed.Error!, OpenAiErrorTypes.Server, null, "generation_failed");
                }

                usage = UsageCalculator.Sum(choices.Select(c => c.Usage).ToArray(), options.N);
                await Results.Json(buildResponse(choices, usage), ApiJson.Options).ExecuteAsync(context).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
            // The scheduler has already been told through the token; only a timeout leaves someone to answer.
            await RequestLifetime.ReportTimeoutAsync(context, settings).ConfigureAwait(false);
            return;
        }

        context.Features.Set(new UsageFeature { PromptTokens = usage.PromptTokens, CompletionTokens = usage.CompletionTokens, Model = model });
    }
}

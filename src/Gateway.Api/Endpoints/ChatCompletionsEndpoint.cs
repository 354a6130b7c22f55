using Gateway.Api.Errors;
using Gateway.Api.Features;
using Gateway.Api.Prompting;
using Gateway.Api.Protocol;
using Gateway.Api.Streaming;
using Gateway.Serving;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Gateway.Api.Endpoints;

/// <summary><c>POST /v1/chat/completions</c>.</summary>
internal static class ChatCompletionsEndpoint
{
    public static async Task HandleAsync(
        HttpContext context, IGenerationService service, ChatPromptBuilder prompts, GenerationSubmitter submitter, IOptions<ApiOptions> options)
    {
        var settings = options.Value;
        using var body = await RequestBody.ReadJsonAsync(context, settings.MaxRequestBodyBytes).ConfigureAwait(false);
        var request = ChatCompletionRequest.Parse(body.RootElement, settings.MaxTokensCap);
        ModelGuard.EnsureServed(request.Model, service.Model, settings);
        var prompt = prompts.Build(request.Messages);
        var tenant = context.Features.Get<TenantFeature>();
        using var lifetime = RequestLifetime.Create(context, settings);
        var id = RequestLifetime.NewId("chatcmpl");
        var streams = submitter.Submit(id, prompt, request.Options, "messages", tenant?.Tenant ?? "anonymous", tenant?.Priority ?? 0, lifetime, out _);
        var created = RequestLifetime.UnixNow();
        var logprobs = request.Options.Sampling.Logprobs ? new LogprobFormatter(service.Tokenizer) : null;
        Usage usage;
        try
        {
            if (request.Options.Stream)
            {
                var formatter = new ChatChunkFormatter(id, created, request.Model, logprobs);
                usage = await StreamingResponder.RunAsync(context, streams, formatter, request.Options.IncludeUsage, request.Options.N, lifetime.Token).ConfigureAwait(false);
            }
            else
            {
                var choices = await ChoiceCollector.CollectAsync(streams, lifetime.Token).ConfigureAwait(false);
                if (choices.FirstOrDefault(c => c.Error is not null) is { } failed)
                {
                    throw new OpenAiRequestException(500, failed.Error!, OpenAiErrorTypes.Server, null, "generation_failed");
                }

                usage = UsageCalculator.Sum(choices.Select(c => c.Usage).ToArray(), request.Options.N);
                var response = new ChatCompletionResponse(id, created, request.Model,
                    choices.Select((c, i) => new ChatChoice(i, new ChatResponseMessage("assistant", c.Text.ToString()),
                        logprobs?.Chat(c.Tokens), UsageCalculator.FinishReasonText(c.Finish))).ToArray(),
                    usage);
                await Results.Json(response, ApiJson.Options).ExecuteAsync(context).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
            // The scheduler has already been told through the token; only a timeout leaves someone to answer.
            await RequestLifetime.ReportTimeoutAsync(context, settings).ConfigureAwait(false);
            return;
        }

        context.Features.Set(new UsageFeature { PromptTokens = usage.PromptTokens, CompletionTokens = usage.CompletionTokens, Model = request.Model });
    }
}

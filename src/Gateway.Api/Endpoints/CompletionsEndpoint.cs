using Gateway.Api.Errors;
using Gateway.Api.Features;
using Gateway.Api.Protocol;
using Gateway.Api.Streaming;
using Gateway.Serving;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Gateway.Api.Endpoints;

/// <summary><c>POST /v1/completions</c>: one or more prompts (text or token ids), each with <c>n</c> choices.</summary>
internal static class CompletionsEndpoint
{
    public static async Task HandleAsync(HttpContext context, IGenerationService service, GenerationSubmitter submitter, IOptions<ApiOptions> options)
    {
        var settings = options.Value;
        using var body = await RequestBody.ReadJsonAsync(context, settings.MaxRequestBodyBytes).ConfigureAwait(false);
        var request = CompletionRequest.Parse(body.RootElement, settings.MaxTokensCap);
        ModelGuard.EnsureServed(request.Model, service.Model, settings);
        var tokenizer = service.Tokenizer;
        var tenant = context.Features.Get<TenantFeature>();
        using var lifetime = RequestLifetime.Create(context, settings);
        var id = RequestLifetime.NewId("cmpl");
        var streams = new List<GenerationStream>();
        var echoes = new List<string>();
        for (var p = 0; p < request.Prompts.Count; p++)
        {
            var prompt = request.Prompts[p];
            var tokens = prompt.Tokens ?? tokenizer.Encode(prompt.Text!, tokenizer.AddBos, parseSpecial: false);
            var param = request.Prompts.Count == 1 ? "prompt" : $"prompt[{p}]";
            streams.AddRange(submitter.Submit($"{id}-{p}", tokens, request.Options, param, tenant?.Tenant ?? "anonymous", tenant?.Priority ?? 0, lifetime, out _));
            var echo = prompt.Text ?? tokenizer.Decode(tokens);
            echoes.AddRange(Enumerable.Repeat(echo, request.Options.N));
        }

        var created = RequestLifetime.UnixNow();
        var logprobs = request.Options.Sampling.Logprobs ? new LogprobFormatter(tokenizer) : null;
        Usage usage;
        try
        {
            if (request.Options.Stream)
            {
                var formatter = new CompletionChunkFormatter(id, created, request.Model, logprobs, request.Echo ? echoes : null);
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
                var response = new CompletionResponse(id, created, request.Model,
                    choices.Select((c, i) =>
                    {
                        var prefix = request.Echo ? echoes[i] : string.Empty;
                        return new CompletionChoice(prefix + c.Text, i, logprobs?.Completion(c.Tokens, prefix.Length), UsageCalculator.FinishReasonText(c.Finish));
                    }).ToArray(),
                    usage);
                await Results.Json(response, ApiJson.Options).ExecuteAsync(context).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
            await RequestLifetime.ReportTimeoutAsync(context, settings).ConfigureAwait(false);
            return;
        }

        context.Features.Set(new UsageFeature { PromptTokens = usage.PromptTokens, CompletionTokens = usage.CompletionTokens, Model = request.Model });
    }
}

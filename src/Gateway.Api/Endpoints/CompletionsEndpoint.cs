using Gateway.Api.Features;
using Gateway.Api.Protocol;
using Gateway.Api.Streaming;
using Gateway.OpenAi;
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
        await ChoiceResponder.RespondAsync(context, streams, request.Options, request.Model, lifetime, settings,
            new CompletionChunkFormatter(id, created, request.Model, logprobs, request.Echo ? echoes : null),
            (choices, usage) => new CompletionResponse(id, created, request.Model,
                choices.Select((c, i) =>
                {
                    var prefix = request.Echo ? echoes[i] : string.Empty;
                    return new CompletionChoice(prefix + c.Text, i, logprobs?.Completion(c.Tokens, prefix.Length), UsageCalculator.FinishReasonText(c.Finish));
                }).ToArray(),
                usage)).ConfigureAwait(false);
    }
}

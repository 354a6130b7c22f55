using Gateway.Api.Features;
using Gateway.Api.Prompting;
using Gateway.Api.Protocol;
using Gateway.Api.Streaming;
using Gateway.OpenAi;
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
        await ChoiceResponder.RespondAsync(context, streams, request.Options, request.Model, lifetime, settings,
            new ChatChunkFormatter(id, created, request.Model, logprobs),
            (choices, usage) => new ChatCompletionResponse(id, created, request.Model,
                choices.Select((c, i) => new ChatChoice(i, new ChatResponseMessage("assistant", c.Text.ToString()),
                    logprobs?.Chat(c.Tokens), UsageCalculator.FinishReasonText(c.Finish))).ToArray(),
                usage)).ConfigureAwait(false);
    }
}

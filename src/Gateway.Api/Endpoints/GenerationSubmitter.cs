using Gateway.Api.Protocol;
using Gateway.OpenAi;
using Gateway.Serving;
using Microsoft.Extensions.Options;

namespace Gateway.Api.Endpoints;

/// <summary>
/// Turns one API request into scheduler requests (one per choice), enforcing the context window the way OpenAI words
/// it, and mapping refusals to 400/503 with Retry-After. Either every choice is admitted or none stays queued.
/// </summary>
internal sealed class GenerationSubmitter(IGenerationService service, IOptions<ApiOptions> options)
{
    public IReadOnlyList<GenerationStream> Submit(
        string requestId, int[] prompt, GenerationOptions request, string promptParam, string tenant, int priority,
        CancellationTokenSource lifetime, out int maxTokens)
    {
        var context = service.Model.ContextLength;
        if (prompt.Length == 0)
        {
            throw OpenAiRequestException.InvalidParameter(promptParam, "The prompt is empty.");
        }

        foreach (var id in prompt)
        {
            if ((uint)id >= (uint)service.Model.VocabSize)
            {
                throw OpenAiRequestException.InvalidParameter(promptParam, $"Token id {id} is out of range for a vocabulary of {service.Model.VocabSize}.");
            }
        }

        if (prompt.Length >= context)
        {
            throw new OpenAiRequestException(400,
                $"This model's maximum context length is {context} tokens. However, your prompt resulted in {prompt.Length} tokens. Please reduce the length of the prompt.",
                OpenAiErrorTypes.InvalidRequest, promptParam, "context_length_exceeded");
        }

        maxTokens = request.MaxTokens ?? Math.Min(options.Value.MaxTokensCap, context - prompt.Length);
        if (prompt.Length + maxTokens > context)
        {
            throw new OpenAiRequestException(400,
                $"This model's maximum context length is {context} tokens. However, you requested {prompt.Length + maxTokens} tokens " +
                $"({prompt.Length} in the prompt, {maxTokens} in the completion). Please reduce the length of the prompt or completion.",
                OpenAiErrorTypes.InvalidRequest, promptParam, "context_length_exceeded");
        }

        var streams = new List<GenerationStream>(request.N);
        for (var i = 0; i < request.N; i++)
        {
            // Choices of one request differ (else n would be pointless) yet stay reproducible for a given seed.
            var sampling = request.Sampling.Seed is { } seed && i > 0 ? request.Sampling with { Seed = seed + (ulong)i } : request.Sampling;
            var result = service.Submit(
                new GenerationRequest($"{requestId}-{i}", prompt, sampling, maxTokens, request.Stop, priority + request.Priority, tenant),
                lifetime.Token);
            if (result.Stream is null)
            {
                lifetime.Cancel(); // releases any choice already queued
                throw Refusal(result);
            }

            streams.Add(result.Stream);
        }

        return streams;
    }

    private OpenAiRequestException Refusal(SubmitResult result) => result.Refusal switch
    {
        RefusalReason.PromptTooLong => new OpenAiRequestException(400,
            $"The prompt does not fit this model's context or KV cache ({service.Model.ContextLength} tokens).",
            OpenAiErrorTypes.InvalidRequest, "messages", "context_length_exceeded"),
        RefusalReason.ShuttingDown => new OpenAiRequestException(503,
            "The server is shutting down; retry on another replica.", OpenAiErrorTypes.Server, null, "draining", result.RetryAfter),
        RefusalReason.SloWouldBreak => new OpenAiRequestException(503,
            "The server is at capacity: this request would wait longer than the latency objective allows. Retry later.",
            OpenAiErrorTypes.Server, null, "capacity_exceeded", result.RetryAfter),
        _ => new OpenAiRequestException(503,
            "The server is overloaded: the request queue is full. Retry later.", OpenAiErrorTypes.Server, null, "queue_full", result.RetryAfter),
    };
}

using System.Text.Json;
using Gateway.Inference;
using Gateway.OpenAi;

namespace Gateway.Api.Protocol;

/// <summary>
/// Reads the parameters both endpoints share. Ranges follow OpenAI's API reference; <c>top_k</c>, <c>min_p</c>,
/// <c>repetition_penalty</c>, <c>ignore_eos</c> and <c>priority</c> are the extensions vLLM and llama.cpp's server accept.
/// </summary>
internal static class GenerationOptionsReader
{
    public const int MaxChoices = 16;

    /// <param name="reader">The request body.</param>
    /// <param name="maxTokensCap">Configured ceiling for max_tokens.</param>
    /// <param name="logprobs">Whether logprobs were requested (the two endpoints spell it differently).</param>
    /// <param name="topLogprobs">How many alternatives per token.</param>
    public static GenerationOptions Read(JsonRequestReader reader, int maxTokensCap, bool logprobs, int topLogprobs)
    {
        // max_completion_tokens is the newer name; when both are given it wins, as in OpenAI's API.
        var maxTokens = reader.OptionalInt("max_completion_tokens", 1, maxTokensCap)
            ?? reader.OptionalInt("max_tokens", 1, maxTokensCap);
        var temperature = reader.OptionalFloat("temperature", 0, 2) ?? 1f;
        var seed = reader.OptionalLong("seed");
        var sampling = new SamplingParams
        {
            Temperature = temperature,
            TopP = reader.OptionalFloat("top_p", 0, 1) ?? 1f,
            TopK = reader.OptionalInt("top_k", -1, 1_000_000) is { } k && k > 0 ? k : 0,
            MinP = reader.OptionalFloat("min_p", 0, 1) ?? 0f,
            RepetitionPenalty = reader.OptionalFloat("repetition_penalty", 0.01f, 10) ?? 1f,
            FrequencyPenalty = reader.OptionalFloat("frequency_penalty", -2, 2) ?? 0f,
            PresencePenalty = reader.OptionalFloat("presence_penalty", -2, 2) ?? 0f,
            Seed = seed is { } s ? unchecked((ulong)s) : null,
            Logprobs = logprobs,
            TopLogprobs = topLogprobs,
            IgnoreEos = reader.OptionalBool("ignore_eos", false),
        };

        var stream = reader.OptionalBool("stream", false);
        var includeUsage = false;
        if (reader.Root.TryGetProperty("stream_options", out var streamOptions) && streamOptions.ValueKind != JsonValueKind.Null)
        {
            if (streamOptions.ValueKind != JsonValueKind.Object)
            {
                throw JsonRequestReader.TypeError("stream_options", "an object", streamOptions);
            }

            if (!stream)
            {
                throw OpenAiRequestException.InvalidParameter("stream_options", "The 'stream_options' parameter is only allowed when 'stream' is enabled.");
            }

            includeUsage = new JsonRequestReader(streamOptions).OptionalBool("include_usage", false);
        }

        return new GenerationOptions(
            maxTokens,
            sampling,
            reader.StopSequences(),
            reader.OptionalInt("n", 1, MaxChoices) ?? 1,
            stream,
            includeUsage,
            reader.OptionalString("user"),
            reader.OptionalInt("priority", -1000, 1000) ?? 0);
    }
}

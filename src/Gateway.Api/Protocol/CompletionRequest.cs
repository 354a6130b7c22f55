using System.Text.Json;
using Gateway.OpenAi;

namespace Gateway.Api.Protocol;

/// <summary>A validated <c>POST /v1/completions</c> body; each prompt is text or token ids.</summary>
internal sealed record CompletionRequest(string Model, IReadOnlyList<CompletionPrompt> Prompts, bool Echo, GenerationOptions Options)
{
    public static CompletionRequest Parse(JsonElement root, int maxTokensCap)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new OpenAiRequestException(400, "The request body must be a JSON object.", OpenAiErrorTypes.InvalidRequest);
        }

        var reader = new JsonRequestReader(root);
        var model = reader.RequiredString("model");
        var prompts = ReadPrompts(root);
        // The legacy endpoint's logprobs is an integer: how many alternatives (0..5) to return per token.
        var logprobs = reader.OptionalInt("logprobs", 0, 5);
        var options = GenerationOptionsReader.Read(reader, maxTokensCap, logprobs is not null, logprobs ?? 0);
        return new CompletionRequest(model, prompts, reader.OptionalBool("echo", false), options);
    }

    private static List<CompletionPrompt> ReadPrompts(JsonElement root)
    {
        if (!root.TryGetProperty("prompt", out var prompt) || prompt.ValueKind == JsonValueKind.Null)
        {
            throw OpenAiRequestException.InvalidParameter("prompt", "Missing required parameter: 'prompt'.", "missing_required_parameter");
        }

        switch (prompt.ValueKind)
        {
            case JsonValueKind.String:
                return [CompletionPrompt.FromText(prompt.GetString()!)];
            case JsonValueKind.Array when prompt.GetArrayLength() == 0:
                throw OpenAiRequestException.InvalidParameter("prompt", "Invalid 'prompt': empty array.", "empty_array");
            case JsonValueKind.Array:
                var first = prompt[0];
                if (first.ValueKind == JsonValueKind.Number)
                {
                    return [CompletionPrompt.FromTokens(ReadTokenArray(prompt, "prompt"))];
                }

                var prompts = new List<CompletionPrompt>();
                var i = 0;
                foreach (var item in prompt.EnumerateArray())
                {
                    prompts.Add(item.ValueKind switch
                    {
                        JsonValueKind.String => CompletionPrompt.FromText(item.GetString()!),
                        JsonValueKind.Array => CompletionPrompt.FromTokens(ReadTokenArray(item, $"prompt[{i}]")),
                        _ => throw JsonRequestReader.TypeError($"prompt[{i}]", "a string or an array of token ids", item),
                    });
                    i++;
                }

                return prompts;
            default:
                throw JsonRequestReader.TypeError("prompt", "a string, an array of strings, or an array of token ids", prompt);
        }
    }

    private static int[] ReadTokenArray(JsonElement array, string param)
    {
        var tokens = new int[array.GetArrayLength()];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out var id) || id < 0)
            {
                throw JsonRequestReader.TypeError(param, "an array of non-negative integer token ids", array);
            }

            tokens[i++] = id;
        }

        return tokens;
    }
}

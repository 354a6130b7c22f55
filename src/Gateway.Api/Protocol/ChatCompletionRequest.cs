using System.Text;
using System.Text.Json;
using Gateway.ChatTemplates;
using Gateway.OpenAi;

namespace Gateway.Api.Protocol;

/// <summary>A validated <c>POST /v1/chat/completions</c> body.</summary>
internal sealed record ChatCompletionRequest(string Model, IReadOnlyList<ChatMessage> Messages, GenerationOptions Options)
{
    private static readonly HashSet<string> s_roles = ["system", "developer", "user", "assistant", "tool"];

    public static ChatCompletionRequest Parse(JsonElement root, int maxTokensCap)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new OpenAiRequestException(400, "The request body must be a JSON object.", OpenAiErrorTypes.InvalidRequest);
        }

        var reader = new JsonRequestReader(root);
        var model = reader.RequiredString("model");
        var messages = ReadMessages(root);
        var logprobs = reader.OptionalBool("logprobs", false);
        var topLogprobs = reader.OptionalInt("top_logprobs", 0, 20) ?? 0;
        if (topLogprobs > 0 && !logprobs)
        {
            throw OpenAiRequestException.InvalidParameter("top_logprobs", "'top_logprobs' requires 'logprobs' to be true.");
        }

        return new ChatCompletionRequest(model, messages, GenerationOptionsReader.Read(reader, maxTokensCap, logprobs, topLogprobs));
    }

    private static List<ChatMessage> ReadMessages(JsonElement root)
    {
        if (!root.TryGetProperty("messages", out var array) || array.ValueKind == JsonValueKind.Null)
        {
            throw OpenAiRequestException.InvalidParameter("messages", "Missing required parameter: 'messages'.", "missing_required_parameter");
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            throw JsonRequestReader.TypeError("messages", "an array", array);
        }

        if (array.GetArrayLength() == 0)
        {
            throw OpenAiRequestException.InvalidParameter("messages", "Invalid 'messages': empty array. Expected an array with minimum length 1.", "empty_array");
        }

        var messages = new List<ChatMessage>();
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var param = $"messages[{index}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw JsonRequestReader.TypeError(param, "an object", item);
            }

            var role = item.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String
                ? r.GetString()!
                : throw OpenAiRequestException.InvalidParameter($"{param}.role", $"Missing required parameter: '{param}.role'.", "missing_required_parameter");
            if (!s_roles.Contains(role))
            {
                throw OpenAiRequestException.InvalidParameter($"{param}.role",
                    $"Invalid value: '{role}'. Supported values are: 'system', 'developer', 'user', 'assistant' and 'tool'.");
            }

            // "developer" is OpenAI's newer name for "system"; templates only know the latter.
            messages.Add(new ChatMessage(role == "developer" ? "system" : role, ReadContent(item, param)));
            index++;
        }

        return messages;
    }

    private static string ReadContent(JsonElement message, string param)
    {
        if (!message.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
        {
            // Assistant messages may omit content (e.g. when they only carried tool calls).
            return string.Empty;
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            throw JsonRequestReader.TypeError($"{param}.content", "a string or an array of content parts", content);
        }

        var text = new StringBuilder();
        var partIndex = 0;
        foreach (var part in content.EnumerateArray())
        {
            var partParam = $"{param}.content[{partIndex++}]";
            var type = part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (type != "text")
            {
                throw OpenAiRequestException.InvalidParameter($"{partParam}.type",
                    $"Invalid content part type '{type}': this model accepts only 'text' parts.");
            }

            if (!part.TryGetProperty("text", out var partText) || partText.ValueKind != JsonValueKind.String)
            {
                throw OpenAiRequestException.InvalidParameter($"{partParam}.text", $"Missing required parameter: '{partParam}.text'.", "missing_required_parameter");
            }

            text.Append(partText.GetString());
        }

        return text.ToString();
    }
}

using System.Text.Json;

namespace SpikeReplay.Client;

/// <summary>What one SSE data payload of an OpenAI stream means to the measurement.</summary>
internal readonly record struct StreamChunk(bool IsDone, bool HasContent, string? Error, int? UsageCompletionTokens)
{
    public static StreamChunk Parse(string data)
    {
        if (data == "[DONE]")
        {
            return new StreamChunk(true, false, null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(data);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new StreamChunk(false, false, "stream chunk is not a JSON object", null);
            }

            if (root.TryGetProperty("error", out var error))
            {
                return new StreamChunk(false, false, ErrorText.FromErrorElement(error), null);
            }

            int? usageTokens = root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object &&
                usage.TryGetProperty("completion_tokens", out var completion) && completion.TryGetInt32(out var count)
                ? count
                : null;
            return new StreamChunk(false, ContainsContent(root), null, usageTokens);
        }
        catch (JsonException ex)
        {
            return new StreamChunk(false, false, $"malformed stream chunk: {ex.Message}", null);
        }
    }

    /// <summary>Legacy completions put text in choices[].text, chat completions in choices[].delta.content.</summary>
    private static bool ContainsContent(JsonElement root)
    {
        if (!root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var choice in choices.EnumerateArray())
        {
            if (choice.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            if (choice.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String &&
                text.GetString()!.Length > 0)
            {
                return true;
            }

            if (choice.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object &&
                delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String &&
                content.GetString()!.Length > 0)
            {
                return true;
            }
        }

        return false;
    }
}

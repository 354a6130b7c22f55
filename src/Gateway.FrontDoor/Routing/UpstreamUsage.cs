using System.Text.Json;

namespace Gateway.FrontDoor.Routing;

/// <summary>An OpenAI <c>usage</c> object as an upstream reported it.</summary>
internal readonly record struct UpstreamUsage(int PromptTokens, int CompletionTokens)
{
    /// <summary>Reads <c>usage</c> from a response object or stream chunk; false when it has none (or <c>null</c>).</summary>
    public static bool TryRead(JsonElement root, out UpstreamUsage usage)
    {
        usage = default;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("usage", out var value) || value.ValueKind != JsonValueKind.Object
            || !TryReadCount(value, "prompt_tokens", out var prompt) || !TryReadCount(value, "completion_tokens", out var completion))
        {
            return false;
        }

        usage = new UpstreamUsage(prompt, completion);
        return true;
    }

    private static bool TryReadCount(JsonElement usage, string name, out int count)
    {
        count = 0;
        return usage.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            && value.TryGetInt32(out count) && count >= 0;
    }
}

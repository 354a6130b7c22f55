using System.Text.Json;

namespace SpikeReplay.Client;

/// <summary>Extracts a short, readable message from OpenAI-shaped error bodies (or whatever else a server sent).</summary>
internal static class ErrorText
{
    private const int MaxLength = 300;

    public static string FromBody(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object &&
                document.RootElement.TryGetProperty("error", out var error))
            {
                return FromErrorElement(error);
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, say): the raw text is the best description there is.
        }

        return Truncate(body.Trim());
    }

    public static string FromErrorElement(JsonElement error)
    {
        if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var message) &&
            message.ValueKind == JsonValueKind.String)
        {
            var type = error.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            return Truncate(type is null ? message.GetString()! : $"{type}: {message.GetString()}");
        }

        return Truncate(error.GetRawText());
    }

    public static string Truncate(string text)
    {
        return text.Length <= MaxLength ? text : text[..MaxLength] + "…";
    }
}

using System.Text.Json;

namespace SpikeReplay.Client;

/// <summary>Serialises the OpenAI request body for the legacy completions or the chat completions endpoint.</summary>
internal static class CompletionRequestBody
{
    public static byte[] Build(bool chat, string model, string prompt, int maxTokens)
    {
        using var buffer = new MemoryStream(prompt.Length + 160);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("model", model);
            if (chat)
            {
                writer.WriteStartArray("messages");
                writer.WriteStartObject();
                writer.WriteString("role", "user");
                writer.WriteString("content", prompt);
                writer.WriteEndObject();
                writer.WriteEndArray();
            }
            else
            {
                writer.WriteString("prompt", prompt);
            }

            writer.WriteNumber("max_tokens", maxTokens);
            writer.WriteBoolean("stream", true);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}

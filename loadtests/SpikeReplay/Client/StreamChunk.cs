using System.Text;
using System.Text.Json;

namespace SpikeReplay.Client;

/// <summary>
/// What one SSE data payload of an OpenAI stream means to the measurement. Read with Utf8JsonReader straight from
/// the parser's buffer: this runs once per token, so it allocates nothing except on the error path.
/// </summary>
internal readonly record struct StreamChunk(bool IsDone, bool HasContent, string? Error, int? UsageCompletionTokens)
{
    public static StreamChunk Parse(ReadOnlySpan<byte> data)
    {
        if (data.SequenceEqual("[DONE]"u8))
        {
            return new StreamChunk(true, false, null, null);
        }

        try
        {
            var reader = new Utf8JsonReader(data);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return new StreamChunk(false, false, "stream chunk is not a JSON object", null);
            }

            var content = false;
            int? usage = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("error"u8))
                {
                    return new StreamChunk(false, false, ErrorText.FromBody(Encoding.UTF8.GetString(data)), null);
                }

                var isChoices = reader.ValueTextEquals("choices"u8);
                var isUsage = !isChoices && reader.ValueTextEquals("usage"u8);
                reader.Read();
                if (isChoices)
                {
                    content |= ReadChoices(ref reader);
                }
                else if (isUsage)
                {
                    usage = ReadCompletionTokens(ref reader) ?? usage;
                }
                else
                {
                    reader.Skip();
                }
            }

            return new StreamChunk(false, content, null, usage);
        }
        catch (JsonException ex)
        {
            return new StreamChunk(false, false, $"malformed stream chunk: {ex.Message}", null);
        }
    }

    /// <summary>Legacy completions put text in choices[].text, chat completions in choices[].delta.content.</summary>
    private static bool ReadChoices(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return false;
        }

        var found = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isText = reader.ValueTextEquals("text"u8);
                var isDelta = !isText && reader.ValueTextEquals("delta"u8);
                reader.Read();
                if (isText)
                {
                    found |= IsNonEmptyString(ref reader);
                }
                else if (isDelta && reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var isContent = reader.ValueTextEquals("content"u8);
                        reader.Read();
                        if (isContent)
                        {
                            found |= IsNonEmptyString(ref reader);
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
        }

        return found;
    }

    private static int? ReadCompletionTokens(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        int? tokens = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isCompletion = reader.ValueTextEquals("completion_tokens"u8);
            reader.Read();
            if (isCompletion && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var count))
            {
                tokens = count;
            }
            else
            {
                reader.Skip();
            }
        }

        return tokens;
    }

    /// <summary>The raw span of "" is empty, so non-empty raw bytes mean a non-empty string, escaped or not.</summary>
    private static bool IsNonEmptyString(ref Utf8JsonReader reader)
    {
        return reader.TokenType == JsonTokenType.String && (reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length) > 0;
    }
}

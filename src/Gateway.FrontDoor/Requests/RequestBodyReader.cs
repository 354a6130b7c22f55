using System.Text.Json;

namespace Gateway.FrontDoor.Requests;

/// <summary>
/// Pulls <c>model</c>, <c>max_tokens</c>/<c>max_completion_tokens</c> and a prompt-size estimate out of an OpenAI
/// request body in one forward pass, without building a DOM.
/// </summary>
internal static class RequestBodyReader
{
    /// <summary>Typical BPE tokenizers average about four bytes of English text per token; good enough to reserve.</summary>
    public const int BytesPerTokenEstimate = 4;

    /// <summary>Parses the body; malformed JSON yields what was read so far and leaves the error to the endpoint.</summary>
    public static RequestBodySummary Read(ReadOnlySpan<byte> json)
    {
        string? model = null;
        int? maxTokens = null;
        long textBytes = 0;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
                {
                    if (reader.ValueTextEquals("model"u8))
                    {
                        reader.Read();
                        model = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    }
                    else if (reader.ValueTextEquals("max_tokens"u8) || reader.ValueTextEquals("max_completion_tokens"u8))
                    {
                        reader.Read();
                        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value) && value > 0)
                        {
                            maxTokens = value;
                        }
                    }
                }
                else if (reader.TokenType == JsonTokenType.String && reader.CurrentDepth >= 1)
                {
                    // Every string value counts (messages, prompt, tool schemas): they all reach the tokenizer.
                    textBytes += reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
                }
            }
        }
        catch (JsonException)
        {
            // The endpoint owns validation and will answer 400; the estimate just stops where the JSON broke.
        }

        var estimate = (int)Math.Min(int.MaxValue, (textBytes + BytesPerTokenEstimate - 1) / BytesPerTokenEstimate);
        return new RequestBodySummary(model, maxTokens, estimate);
    }
}

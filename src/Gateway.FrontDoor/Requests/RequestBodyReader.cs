using System.Text.Json;
using Gateway.OpenAi;

namespace Gateway.FrontDoor.Requests;

/// <summary>
/// Pulls <c>model</c>, <c>max_tokens</c>/<c>max_completion_tokens</c>, the streaming flags and a prompt-size estimate
/// out of an OpenAI request body in one forward pass, without building a DOM. The body is first checked by
/// <see cref="RequestJson.Validate"/>, the same rules the endpoints apply, so a body no layer can read is refused here
/// with its 400 instead of turning into an exception deeper in.
/// </summary>
internal static class RequestBodyReader
{
    /// <summary>Typical BPE tokenizers average about four bytes of English text per token; good enough to reserve.</summary>
    public const int BytesPerTokenEstimate = 4;

    /// <exception cref="Gateway.OpenAi.OpenAiRequestException">The body is not JSON this gateway reads (400).</exception>
    public static RequestBodySummary Read(ReadOnlySpan<byte> json)
    {
        RequestJson.Validate(json);

        string? model = null;
        int? maxTokens = null;
        long textBytes = 0;
        var stream = false;
        var includeUsage = false;
        var inStreamOptions = false;
        var reader = RequestJson.CreateReader(json);
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
                else if (reader.ValueTextEquals("stream"u8))
                {
                    reader.Read();
                    stream = reader.TokenType == JsonTokenType.True;
                }
                else if (reader.ValueTextEquals("stream_options"u8))
                {
                    reader.Read();
                    inStreamOptions = reader.TokenType == JsonTokenType.StartObject;
                }
            }
            else if (reader.TokenType == JsonTokenType.PropertyName && inStreamOptions && reader.CurrentDepth == 2
                && reader.ValueTextEquals("include_usage"u8))
            {
                reader.Read();
                includeUsage = reader.TokenType == JsonTokenType.True;
            }
            else if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 1)
            {
                inStreamOptions = false;
            }
            else if (reader.TokenType == JsonTokenType.String && reader.CurrentDepth >= 1)
            {
                // Every string value counts (messages, prompt, tool schemas): they all reach the tokenizer.
                textBytes += reader.ValueSpan.Length;
            }
        }

        var estimate = (int)Math.Min(int.MaxValue, (textBytes + BytesPerTokenEstimate - 1) / BytesPerTokenEstimate);
        return new RequestBodySummary(model, maxTokens, estimate, stream, includeUsage);
    }
}

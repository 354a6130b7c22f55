using System.Buffers;
using System.Text.Json;
using Gateway.OpenAi;
using Microsoft.AspNetCore.Http;

namespace Gateway.FrontDoor.Routing;

/// <summary>
/// A streamed request is only charged its real tokens if the upstream says how many it used, which OpenAI-compatible
/// servers do in a final chunk when <c>stream_options.include_usage</c> is true. When the client did not ask for it,
/// the body sent upstream asks anyway (and <see cref="UsageCapturingResponseStream"/> removes that chunk again).
/// </summary>
internal static class StreamUsageRequestRewriter
{
    /// <summary>Replaces the request body with one that sets <c>stream_options.include_usage</c>; other fields are kept as sent.</summary>
    public static async Task AskForUsageAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.Body.CanSeek)
        {
            request.Body.Position = 0;
        }

        using var original = new MemoryStream();
        await request.Body.CopyToAsync(original, cancellationToken).ConfigureAwait(false);
        var rewritten = AskForUsage(original.GetBuffer().AsMemory(0, (int)original.Length));
        request.Body = new MemoryStream(rewritten, writable: false);
        request.ContentLength = rewritten.Length;
        request.Headers.TransferEncoding = default;
    }

    /// <summary>The body with <c>stream_options.include_usage: true</c>; the body passed <see cref="RequestJson"/> already.</summary>
    public static byte[] AskForUsage(ReadOnlyMemory<byte> body)
    {
        using var document = RequestJson.Parse(body);
        var output = new ArrayBufferWriter<byte>(body.Length + 48);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            var wroteOptions = false;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.NameEquals("stream_options") && property.Value.ValueKind == JsonValueKind.Object)
                {
                    WriteOptions(writer, property.Value);
                    wroteOptions = true;
                }
                else if (!property.NameEquals("stream_options"))
                {
                    property.WriteTo(writer);
                }
            }

            if (!wroteOptions)
            {
                WriteOptions(writer, default);
            }

            writer.WriteEndObject();
        }

        return output.WrittenSpan.ToArray();
    }

    private static void WriteOptions(Utf8JsonWriter writer, JsonElement existing)
    {
        writer.WritePropertyName("stream_options");
        writer.WriteStartObject();
        if (existing.ValueKind == JsonValueKind.Object)
        {
            foreach (var option in existing.EnumerateObject())
            {
                if (!option.NameEquals("include_usage"))
                {
                    option.WriteTo(writer);
                }
            }
        }

        writer.WriteBoolean("include_usage", true);
        writer.WriteEndObject();
    }
}

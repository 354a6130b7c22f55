using System.Text.Json;
using Gateway.OpenAi;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Api.Endpoints;

/// <summary>
/// Reads a JSON body with a size cap: 413 past the cap; anything <see cref="RequestJson"/> refuses (malformed,
/// too deep, undecodable text) is its 400. Both in OpenAI's shape.
/// </summary>
internal static class RequestBody
{
    public static async Task<JsonDocument> ReadJsonAsync(HttpContext context, long maxBytes)
    {
        if (context.Request.ContentLength > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        // Kernel-level enforcement too, for chunked bodies without Content-Length.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }

        byte[] body;
        try
        {
            using var buffer = new MemoryStream(context.Request.ContentLength is { } length ? (int)length : 4096);
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
            if (buffer.Length > maxBytes)
            {
                throw TooLarge(maxBytes);
            }

            body = buffer.ToArray();
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(maxBytes);
        }

        // The document refers to the array it was parsed from, which is why the array is not pooled.
        return RequestJson.Parse(body);
    }

    private static OpenAiRequestException TooLarge(long maxBytes) => OpenAiRequestException.RequestTooLarge(maxBytes);
}

using System.Text.Json;
using Gateway.OpenAi;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Api.Endpoints;

/// <summary>Reads a JSON body with a size cap: 413 past the cap, 400 for malformed JSON, both in OpenAI's shape.</summary>
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

        try
        {
            return await JsonDocument.ParseAsync(context.Request.Body, new JsonDocumentOptions { MaxDepth = 64 }, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            throw new OpenAiRequestException(400,
                "We could not parse the JSON body of your request. The OpenAI API expects a JSON payload.", OpenAiErrorTypes.InvalidRequest);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(maxBytes);
        }
    }

    private static OpenAiRequestException TooLarge(long maxBytes) =>
        new(413, $"The request body is larger than the {maxBytes} bytes this server accepts.", OpenAiErrorTypes.InvalidRequest, null, "request_too_large");
}

using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Gateway.OpenAi;

/// <summary>
/// Writes OpenAI-shaped errors straight to a response. Every layer (front door, API, streaming) goes through here so
/// a client sees one error format whatever refused it.
/// </summary>
public static class OpenAiErrorResults
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    /// <summary>Writes the error unless the response has already started (then the connection is the only signal left).</summary>
    public static async Task WriteAsync(
        HttpContext context, int statusCode, string message, string type,
        string? param = null, string? code = null, TimeSpan? retryAfter = null)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return;
        }

        response.StatusCode = statusCode;
        response.ContentType = "application/json";
        if (retryAfter is { } delay)
        {
            // Retry-After is whole seconds; rounding up keeps clients from retrying a moment too early.
            var seconds = Math.Max(1, (int)Math.Ceiling(delay.TotalSeconds));
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        var body = new OpenAiErrorEnvelope(new OpenAiError(message, type, param, code));
        await JsonSerializer.SerializeAsync(response.Body, body, s_json, context.RequestAborted).ConfigureAwait(false);
    }
}

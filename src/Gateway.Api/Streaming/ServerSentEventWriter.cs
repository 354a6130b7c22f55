using System.Buffers;
using System.Text.Json;
using Gateway.OpenAi;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Api.Streaming;

/// <summary>
/// Writes <c>text/event-stream</c> the way OpenAI does: <c>data: {json}\n\n</c> per event, <c>data: [DONE]</c> last,
/// flushed after every event so tokens reach the client the moment they exist (no server or proxy buffering).
/// </summary>
internal sealed class ServerSentEventWriter
{
    private static readonly byte[] s_prefix = "data: "u8.ToArray();
    private static readonly byte[] s_suffix = "\n\n"u8.ToArray();
    private static readonly byte[] s_done = "data: [DONE]\n\n"u8.ToArray();
    private readonly HttpResponse _response;

    public ServerSentEventWriter(HttpContext context)
    {
        _response = context.Response;
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        _response.StatusCode = StatusCodes.Status200OK;
        _response.ContentType = "text/event-stream; charset=utf-8";
        _response.Headers.CacheControl = "no-cache";
        // Tells nginx-style reverse proxies not to buffer the stream either.
        _response.Headers["X-Accel-Buffering"] = "no";
    }

    public async Task WriteAsync<T>(T payload, CancellationToken cancellationToken)
    {
        var body = _response.BodyWriter;
        body.Write(s_prefix);
        using (var json = new Utf8JsonWriter(body))
        {
            JsonSerializer.Serialize(json, payload, ApiJson.Options);
        }

        body.Write(s_suffix);
        await body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task WriteDoneAsync(CancellationToken cancellationToken)
    {
        await _response.BodyWriter.WriteAsync(s_done, cancellationToken).ConfigureAwait(false);
        await _response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>After the stream has started the status code is gone; OpenAI then sends the error as an event.</summary>
    public Task WriteErrorAsync(string message, string type, string? code, CancellationToken cancellationToken) =>
        WriteAsync(new OpenAiErrorEnvelope(new OpenAiError(message, type, null, code)), cancellationToken);

}

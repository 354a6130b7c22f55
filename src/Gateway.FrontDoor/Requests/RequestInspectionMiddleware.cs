using System.Buffers;
using Gateway.FrontDoor.Configuration;
using Gateway.OpenAi;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Gateway.FrontDoor.Requests;

/// <summary>
/// Reads the JSON body once (buffered, size-capped) for the fields admission and routing need, then rewinds it
/// so the endpoint or the upstream forwarder reads it again from the start.
/// </summary>
internal sealed class RequestInspectionMiddleware(RequestDelegate next, IOptionsMonitor<FrontDoorOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method) || request.ContentLength == 0)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var limit = options.CurrentValue.MaxInspectedBodyBytes;
        if (request.ContentLength > limit)
        {
            await WriteTooLargeAsync(context, limit).ConfigureAwait(false);
            return;
        }

        // Buffered in memory up to 64 KiB, beyond that in a temp file. One byte over the cap is read to detect
        // an oversized chunked body; the buffering stream is allowed exactly that much.
        request.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: limit + 1);
        var capacity = limit + 1;
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(request.ContentLength ?? 16 * 1024, limit) + 1);
        try
        {
            var length = 0;
            while (true)
            {
                if (length == Math.Min(buffer.Length, capacity))
                {
                    if (length == capacity)
                    {
                        await WriteTooLargeAsync(context, limit).ConfigureAwait(false);
                        return;
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, capacity));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var room = Math.Min(buffer.Length, capacity) - length;
                var read = await request.Body.ReadAsync(buffer.AsMemory(length, room), context.RequestAborted).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            RequestBodySummary summary;
            try
            {
                summary = RequestBodyReader.Read(buffer.AsSpan(0, length));
            }
            catch (OpenAiRequestException ex)
            {
                // Malformed, too deep or undecodable: no layer behind could read it either, so it stops here.
                await OpenAiErrorResults.WriteAsync(context, ex.StatusCode, ex.Message, ex.Type, ex.Param, ex.Code).ConfigureAwait(false);
                return;
            }

            var state = context.Features.GetRequiredFeature<FrontDoorRequestState>();
            state.Model = summary.Model;
            state.MaxTokens = summary.MaxTokens;
            state.PromptTokenEstimate = summary.PromptTokenEstimate;
            state.Stream = summary.Stream;
            state.IncludeUsage = summary.IncludeUsage;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        request.Body.Position = 0;
        await next(context).ConfigureAwait(false);
    }

    private static Task WriteTooLargeAsync(HttpContext context, int limit)
    {
        var error = OpenAiRequestException.RequestTooLarge(limit);
        return OpenAiErrorResults.WriteAsync(context, error.StatusCode, error.Message, error.Type, error.Param, error.Code);
    }
}

using Gateway.OpenAi;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Api.Hosting;

/// <summary>
/// The last line of defence: request errors become their OpenAI error; anything unexpected becomes a 500 in the same
/// shape (logged with its stack, never sent), and a client that went away is not an error at all.
/// </summary>
internal sealed partial class OpenAiExceptionMiddleware(RequestDelegate next, ILogger<OpenAiExceptionMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (OpenAiRequestException ex)
        {
            await OpenAiErrorResults.WriteAsync(context, ex.StatusCode, ex.Message, ex.Type, ex.Param, ex.Code, ex.RetryAfter).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex)
        {
            await OpenAiErrorResults.WriteAsync(context, ex.StatusCode, ex.Message, OpenAiErrorTypes.InvalidRequest).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            Log.ClientDisconnected(logger, context.Request.Path);
        }
        catch (Exception ex)
        {
            Log.Unhandled(logger, context.Request.Path, ex);
            await OpenAiErrorResults.WriteAsync(context, StatusCodes.Status500InternalServerError,
                "The server had an error while processing your request.", OpenAiErrorTypes.Server, null, "internal_error").ConfigureAwait(false);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = ApiEventIds.UnhandledException, EventName = "Unhandled", Level = LogLevel.Error, Message = "Unhandled error serving {Path}")]
        public static partial void Unhandled(ILogger logger, PathString path, Exception exception);

        [LoggerMessage(EventId = ApiEventIds.ClientDisconnected, EventName = "ClientDisconnected", Level = LogLevel.Debug, Message = "Client disconnected from {Path}")]
        public static partial void ClientDisconnected(ILogger logger, PathString path);
    }
}

using Gateway.OpenAi;
using Microsoft.AspNetCore.Http;

namespace Gateway.Api.Endpoints;

/// <summary>
/// One cancellation source per request: the client going away, the configured timeout, or a refusal of a later choice
/// all cancel it, and the scheduler frees the request's KV blocks at its next step.
/// </summary>
internal static class RequestLifetime
{
    public static CancellationTokenSource Create(HttpContext context, ApiOptions options)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        if (options.RequestTimeoutSeconds > 0)
        {
            source.CancelAfter(TimeSpan.FromSeconds(options.RequestTimeoutSeconds));
        }

        return source;
    }

    /// <summary>Answers 504 when the request's own timeout (not the client) ended it and nothing was sent yet.</summary>
    public static Task ReportTimeoutAsync(HttpContext context, ApiOptions options) =>
        context.RequestAborted.IsCancellationRequested
            ? Task.CompletedTask
            : OpenAiErrorResults.WriteAsync(context, StatusCodes.Status504GatewayTimeout,
                $"The request did not finish within {options.RequestTimeoutSeconds} seconds.", OpenAiErrorTypes.Server, null, "timeout");

    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public static long UnixNow() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();
}

using Gateway.FrontDoor.Configuration;
using Gateway.OpenAi;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Gateway.FrontDoor.Drain;

/// <summary>
/// While draining, refuses new requests with 503 + Retry-After (type server_error: OpenAI SDKs retry 5xx); otherwise
/// counts the request as in flight and aborts it if the drain deadline passes while it runs.
/// </summary>
internal sealed class DrainMiddleware(RequestDelegate next, DrainState state, IOptions<DrainOptions> options)
{
    private readonly TimeSpan _retryAfter = TimeSpan.FromSeconds(Math.Max(1, options.Value.RetryAfterSeconds));

    public async Task InvokeAsync(HttpContext context)
    {
        state.Enter();
        try
        {
            // Checked after Enter so a request racing SIGTERM is either refused or waited for, never lost.
            if (state.IsDraining)
            {
                context.Response.Headers.Connection = "close";
                await OpenAiErrorResults.WriteAsync(
                    context, StatusCodes.Status503ServiceUnavailable,
                    "The server is shutting down; retry the request (another replica will take it).",
                    OpenAiErrorTypes.Server, code: "draining", retryAfter: _retryAfter).ConfigureAwait(false);
                return;
            }

            using var abortOnDeadline = state.DrainDeadline.UnsafeRegister(
                static s => ((HttpContext)s!).Abort(), context);
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            state.Exit();
        }
    }
}

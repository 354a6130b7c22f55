using Gateway.Api.Features;
using Gateway.FrontDoor.RateLimiting;
using Gateway.FrontDoor.Requests;

namespace Gateway.Hosting;

/// <summary>
/// Joins the front door and the API, which do not know each other: hands the authenticated tenant and its priority to
/// the API, and the API's actual token usage back to the front door's tokens-per-minute reconciliation.
/// </summary>
internal sealed class FrontDoorApiBridgeMiddleware(RequestDelegate next, ITokenUsageReporter usageReporter)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<IFrontDoorRequestFeature>() is { } admitted)
        {
            context.Features.Set(new TenantFeature(admitted.Tenant, admitted.Priority));
        }

        await next(context).ConfigureAwait(false);

        if (context.Features.Get<UsageFeature>() is { } usage)
        {
            await usageReporter.ReportAsync(context, usage.PromptTokens, usage.CompletionTokens).ConfigureAwait(false);
        }
    }
}

using Gateway.FrontDoor.Requests;
using Microsoft.AspNetCore.Http;

namespace Gateway.FrontDoor.RateLimiting;

/// <summary>Reconciles a request's token reservation with its actual usage.</summary>
internal sealed class TokenUsageReporter(ITenantRateLimiter limiter) : ITokenUsageReporter
{
    public ValueTask ReportAsync(HttpContext context, int promptTokens, int completionTokens)
    {
        ArgumentNullException.ThrowIfNull(context);
        var state = context.Features.Get<FrontDoorRequestState>();
        if (state is not { Admission: { } admission, Policy: { } policy } || state.UsageReported)
        {
            return ValueTask.CompletedTask;
        }

        state.UsageReported = true;
        var refund = state.ReservedTokens - (Math.Max(0, promptTokens) + Math.Max(0, completionTokens));
        return refund == 0
            ? ValueTask.CompletedTask
            // Not the request's token: a client that hung up still consumed what it consumed.
            : limiter.AdjustTokensAsync(policy, admission.Scope, refund, CancellationToken.None);
    }
}

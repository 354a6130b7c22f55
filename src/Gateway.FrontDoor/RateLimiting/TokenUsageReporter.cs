using Gateway.FrontDoor.Logging;
using Gateway.FrontDoor.Requests;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.FrontDoor.RateLimiting;

/// <summary>Reconciles a request's token reservation with its actual usage (local or reported by an upstream).</summary>
internal sealed class TokenUsageReporter(ITenantRateLimiter limiter, ILogger<TokenUsageReporter> logger) : ITokenUsageReporter
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
        var used = Math.Max(0, promptTokens) + Math.Max(0, completionTokens);
        FrontDoorLog.TokensSettled(logger, policy.Name, used, state.ReservedTokens);
        var refund = state.ReservedTokens - used;
        return refund == 0
            ? ValueTask.CompletedTask
            // Not the request's token: a client that hung up still consumed what it consumed.
            : limiter.AdjustTokensAsync(policy, admission.Scope, refund, CancellationToken.None);
    }
}

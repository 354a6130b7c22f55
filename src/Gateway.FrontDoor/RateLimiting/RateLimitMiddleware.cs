using Gateway.FrontDoor.Configuration;
using Gateway.FrontDoor.Metrics;
using Gateway.FrontDoor.Requests;
using Gateway.OpenAi;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Gateway.FrontDoor.RateLimiting;

/// <summary>
/// Admits a request against its tenant's concurrency, RPM and TPM limits (reserving prompt estimate + max tokens),
/// sets the x-ratelimit-* headers, and answers 429 with Retry-After when a limit is hit.
/// </summary>
internal sealed class RateLimitMiddleware(
    RequestDelegate next, ITenantRateLimiter limiter, TenantConcurrencyLimiter concurrency, FrontDoorMetrics metrics,
    IOptionsMonitor<FrontDoorOptions> options)
{
    private const string RateLimitExceededCode = "rate_limit_exceeded";

    /// <summary>A concurrency slot frees when some request finishes, which has no predictable time; one second is a polite poll.</summary>
    private static readonly TimeSpan s_concurrencyRetryAfter = TimeSpan.FromSeconds(1);

    public async Task InvokeAsync(HttpContext context)
    {
        var state = context.Features.GetRequiredFeature<FrontDoorRequestState>();
        var policy = state.Policy ?? throw new InvalidOperationException("The rate limiter runs after authentication.");

        var reserved = 0;
        if (HttpMethods.IsPost(context.Request.Method))
        {
            var completion = state.MaxTokens ?? options.CurrentValue.DefaultCompletionTokenReservation;
            reserved = (int)Math.Min(int.MaxValue, (long)state.PromptTokenEstimate + completion);
        }

        if (policy.TokensPerMinute > 0 && reserved > policy.TokensPerMinute)
        {
            // Waiting would never help: the request alone exceeds a full minute's budget.
            metrics.RateLimited(policy.MetricLabel, RateLimitKind.Tokens);
            await OpenAiErrorResults.WriteAsync(
                context, StatusCodes.Status429TooManyRequests,
                $"Request too large: it needs about {reserved} tokens (prompt estimate + max_tokens) but the limit is " +
                $"{policy.TokensPerMinute} tokens per minute. Lower max_tokens or shorten the prompt.",
                OpenAiErrorTypes.RateLimit, "max_tokens", RateLimitExceededCode).ConfigureAwait(false);
            return;
        }

        using var lease = concurrency.TryAcquire(policy);
        if (lease is { IsAcquired: false })
        {
            metrics.RateLimited(policy.MetricLabel, RateLimitKind.Concurrency);
            await OpenAiErrorResults.WriteAsync(
                context, StatusCodes.Status429TooManyRequests,
                $"Rate limit reached for concurrent requests: at most {policy.MaxConcurrentRequests} in flight.",
                OpenAiErrorTypes.RateLimit, code: RateLimitExceededCode, retryAfter: s_concurrencyRetryAfter).ConfigureAwait(false);
            return;
        }

        var decision = await limiter.TryAcquireAsync(policy, reserved, context.RequestAborted).ConfigureAwait(false);
        RateLimitHeaders.Apply(context.Response.Headers, decision);
        if (!decision.Allowed)
        {
            var kind = decision.DeniedBy ?? RateLimitKind.Requests;
            metrics.RateLimited(policy.MetricLabel, kind);
            await OpenAiErrorResults.WriteAsync(
                context, StatusCodes.Status429TooManyRequests, DeniedMessage(kind, decision, reserved),
                OpenAiErrorTypes.RateLimit, code: RateLimitExceededCode, retryAfter: decision.RetryAfter).ConfigureAwait(false);
            return;
        }

        state.ReservedTokens = reserved;
        state.Admission = decision;
        await next(context).ConfigureAwait(false);
    }

    private static string DeniedMessage(RateLimitKind kind, in RateLimitDecision decision, int reserved) => kind switch
    {
        RateLimitKind.Tokens =>
            $"Rate limit reached for tokens per minute (TPM): limit {decision.Tokens.Limit}, remaining " +
            $"{decision.Tokens.Remaining}, requested {reserved}. Try again in {RateLimitHeaders.FormatDuration(decision.RetryAfter)}.",
        _ =>
            $"Rate limit reached for requests per minute (RPM): limit {decision.Requests.Limit}. " +
            $"Try again in {RateLimitHeaders.FormatDuration(decision.RetryAfter)}.",
    };
}

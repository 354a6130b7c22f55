using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Gateway.FrontDoor.RateLimiting;

/// <summary>Writes OpenAI's x-ratelimit-* headers so existing client tooling can read our limits.</summary>
internal static class RateLimitHeaders
{
    public const string LimitRequests = "x-ratelimit-limit-requests";
    public const string RemainingRequests = "x-ratelimit-remaining-requests";
    public const string ResetRequests = "x-ratelimit-reset-requests";
    public const string LimitTokens = "x-ratelimit-limit-tokens";
    public const string RemainingTokens = "x-ratelimit-remaining-tokens";
    public const string ResetTokens = "x-ratelimit-reset-tokens";

    public static void Apply(IHeaderDictionary headers, in RateLimitDecision decision)
    {
        if (decision.Requests.Limit > 0)
        {
            headers[LimitRequests] = decision.Requests.Limit.ToString(CultureInfo.InvariantCulture);
            headers[RemainingRequests] = decision.Requests.Remaining.ToString(CultureInfo.InvariantCulture);
            headers[ResetRequests] = FormatDuration(decision.Requests.Reset);
        }

        if (decision.Tokens.Limit > 0)
        {
            headers[LimitTokens] = decision.Tokens.Limit.ToString(CultureInfo.InvariantCulture);
            headers[RemainingTokens] = decision.Tokens.Remaining.ToString(CultureInfo.InvariantCulture);
            headers[ResetTokens] = FormatDuration(decision.Tokens.Reset);
        }
    }

    /// <summary>OpenAI's duration style: "120ms", "1.5s", "6m0s".</summary>
    public static string FormatDuration(TimeSpan duration)
    {
        if (duration < TimeSpan.FromSeconds(1))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{(int)Math.Ceiling(duration.TotalMilliseconds)}ms");
        }

        var minutes = (int)duration.TotalMinutes;
        var seconds = Math.Round(duration.TotalSeconds - (minutes * 60), 3);
        return minutes > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{minutes}m{seconds:0.###}s")
            : string.Create(CultureInfo.InvariantCulture, $"{seconds:0.###}s");
    }
}

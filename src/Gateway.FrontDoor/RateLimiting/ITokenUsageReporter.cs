using Microsoft.AspNetCore.Http;

namespace Gateway.FrontDoor.RateLimiting;

/// <summary>
/// Called by the API once a request's real token counts are known (before its endpoint returns), so the TPM
/// reservation taken at admission is corrected: the unused part is refunded, an overrun is charged. Calling it for a
/// request the front door did not admit, or twice, does nothing.
/// </summary>
public interface ITokenUsageReporter
{
    ValueTask ReportAsync(HttpContext context, int promptTokens, int completionTokens);
}

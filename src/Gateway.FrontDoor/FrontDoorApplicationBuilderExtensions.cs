using Gateway.FrontDoor.Auth;
using Gateway.FrontDoor.Drain;
using Gateway.FrontDoor.Metrics;
using Gateway.FrontDoor.RateLimiting;
using Gateway.FrontDoor.Requests;
using Gateway.FrontDoor.Routing;
using Microsoft.AspNetCore.Builder;

namespace Gateway.FrontDoor;

/// <summary>Places the front door in front of the API endpoints.</summary>
public static class FrontDoorApplicationBuilderExtensions
{
    /// <summary>
    /// Guards every /v1 request: metrics, drain, API key, body inspection, tenant limits, then upstream routing.
    /// Probes (/healthz, /readyz) and /metrics stay outside, so they answer without keys or limits. Call it before
    /// mapping the endpoints.
    /// </summary>
    public static IApplicationBuilder UseGatewayFrontDoor(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseWhen(static context => context.Request.Path.StartsWithSegments("/v1", StringComparison.Ordinal), static branch =>
        {
            branch.UseMiddleware<RequestMetricsMiddleware>();
            branch.UseMiddleware<DrainMiddleware>();
            branch.UseMiddleware<ApiKeyMiddleware>();
            branch.UseMiddleware<RequestInspectionMiddleware>();
            branch.UseMiddleware<RateLimitMiddleware>();
            branch.UseMiddleware<UpstreamRoutingMiddleware>();
        });
    }
}

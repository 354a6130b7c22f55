using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Observability.Metrics;

public static class MetricsEndpointExtensions
{
    /// <summary>
    /// Maps a GET endpoint serving the scrape. The exposition is resolved here, not on the first scrape, so that its
    /// listener starts with the application and sees measurements made before anyone scrapes.
    /// </summary>
    public static IEndpointConventionBuilder MapPrometheusMetrics(this IEndpointRouteBuilder endpoints, string pattern = "/metrics")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var exposition = endpoints.ServiceProvider.GetRequiredService<IMetricsExposition>();
        return endpoints.MapGet(pattern, async context =>
        {
            // Rendered to memory first: Kestrel forbids synchronous writes to the response body.
            using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
            exposition.WriteTo(text);
            context.Response.ContentType = exposition.ContentType;
            context.Response.Headers.CacheControl = "no-store";
            await context.Response.WriteAsync(text.ToString(), context.RequestAborted).ConfigureAwait(false);
        });
    }
}

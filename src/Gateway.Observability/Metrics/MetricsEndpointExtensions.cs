using Gateway.Observability.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace Gateway.Observability;

public static class MetricsEndpointExtensions
{
    /// <summary>
    /// Maps prometheus-net's scrape endpoint over the gateway's registry. The bridge is resolved here, not on the first
    /// scrape, so that its listener starts with the application and sees measurements made before anyone scrapes.
    /// The text format 0.0.4 is served whatever the scraper asks for, as before the move to prometheus-net: OpenMetrics
    /// would rename histogram bucket labels (le="1" becomes le="1.0") and split the dashboards' series.
    /// </summary>
    public static IEndpointConventionBuilder MapPrometheusMetrics(this IEndpointRouteBuilder endpoints, string pattern = "/metrics")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var bridge = endpoints.ServiceProvider.GetRequiredService<MeterPrometheusBridge>();
        return endpoints.MapMetrics(
            settings =>
            {
                settings.Registry = bridge.Registry;
                settings.EnableOpenMetrics = false;
            },
            pattern);
    }
}

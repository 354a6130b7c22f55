using Gateway.FrontDoor.Requests;
using Gateway.FrontDoor.Routing;
using Gateway.FrontDoor.Tenants;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.FrontDoor.Metrics;

/// <summary>
/// Outermost front-door middleware: creates the per-request state the inner ones fill in, and counts every
/// answered request (401s, 429s and 503s included) in gateway_requests_total.
/// </summary>
internal sealed class RequestMetricsMiddleware(RequestDelegate next, FrontDoorMetrics metrics, IServiceProvider services)
{
    /// <summary>Label for requests refused before a model or tenant was known (401, drain 503).</summary>
    private const string Unknown = "none";

    private readonly ILocalModelCatalog? _local = services.GetService<ILocalModelCatalog>();
    private readonly UpstreamClusterRegistry _upstreams = services.GetRequiredService<UpstreamClusterRegistry>();

    public async Task InvokeAsync(HttpContext context)
    {
        var state = new FrontDoorRequestState();
        context.Features.Set(state);
        context.Features.Set<IFrontDoorRequestFeature>(state);

        var status = StatusCodes.Status500InternalServerError;
        try
        {
            await next(context).ConfigureAwait(false);
            status = context.Response.StatusCode;
        }
        finally
        {
            metrics.Request(status, ModelLabel(state.Model), state.Policy?.MetricLabel ?? Unknown);
        }
    }

    // Only models we serve become label values; anything a client makes up is "other".
    private string ModelLabel(string? model) =>
        model is null ? Unknown
        : _local?.IsServedLocally(model) == true || _upstreams.FindCluster(model) is not null ? model
        : TenantDirectory.OtherLabel;
}

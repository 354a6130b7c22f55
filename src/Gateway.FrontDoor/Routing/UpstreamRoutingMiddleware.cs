using Gateway.FrontDoor.Requests;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.FrontDoor.Routing;

/// <summary>
/// Sends a request whose body names a model of an upstream cluster to that cluster; everything else (local models,
/// unknown models, bodiless requests) continues to the in-process endpoints, which answer 404 for unknown models.
/// </summary>
internal sealed class UpstreamRoutingMiddleware(
    RequestDelegate next, UpstreamClusterRegistry registry, UpstreamForwarder forwarder, IServiceProvider services)
{
    private readonly ILocalModelCatalog? _local = services.GetService<ILocalModelCatalog>();

    public Task InvokeAsync(HttpContext context)
    {
        var model = context.Features.GetRequiredFeature<FrontDoorRequestState>().Model;
        if (model is null || _local?.IsServedLocally(model) == true || registry.FindCluster(model) is not { } cluster)
        {
            return next(context);
        }

        return forwarder.ForwardAsync(context, cluster);
    }
}

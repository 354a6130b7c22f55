using Gateway.Api;
using Gateway.Api.Endpoints;
using Gateway.FrontDoor.Routing;
using Gateway.Serving;
using Microsoft.Extensions.Options;

namespace Gateway.Hosting;

/// <summary>Tells the front door's router which model ids the in-process engine answers (its name and aliases).</summary>
internal sealed class LocalModelCatalog(IGenerationService service, IOptions<ApiOptions> options) : ILocalModelCatalog
{
    public bool IsServedLocally(string modelId) =>
        ModelGuard.IsServed(modelId, service.Model, options.Value);
}

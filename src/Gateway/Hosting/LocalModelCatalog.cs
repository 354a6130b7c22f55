using Gateway.Api;
using Gateway.FrontDoor.Routing;
using Gateway.Serving;
using Microsoft.Extensions.Options;

namespace Gateway.Hosting;

/// <summary>Tells the front door's router which model ids the in-process engine answers (its name and aliases).</summary>
internal sealed class LocalModelCatalog(IGenerationService service, IOptions<ApiOptions> options) : ILocalModelCatalog
{
    public bool IsServedLocally(string modelId) =>
        modelId == service.Model.Name || options.Value.ModelAliases.Contains(modelId, StringComparer.Ordinal);
}

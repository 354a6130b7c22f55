using Gateway.Api.Endpoints;
using Gateway.FrontDoor.Routing;
using Gateway.OpenAi;

namespace Gateway.Hosting;

/// <summary>Lists the models of the front door's upstream clusters in <c>GET /v1/models</c>, owned by their cluster.</summary>
internal sealed class UpstreamModelCatalogSource(IUpstreamModelCatalog upstreams) : IModelCatalogSource
{
    public IEnumerable<ModelCard> GetModels() => upstreams.Models.Select(m => new ModelCard(m.Id, 0, m.Cluster));
}

using Gateway.OpenAi;

namespace Gateway.Api.Endpoints;

/// <summary>
/// Contributes models to <c>GET /v1/models</c>. The local engine is one source; the front door adds the models of its
/// upstream clusters as another, so clients see every model the gateway can route to.
/// </summary>
public interface IModelCatalogSource
{
    IEnumerable<ModelCard> GetModels();
}

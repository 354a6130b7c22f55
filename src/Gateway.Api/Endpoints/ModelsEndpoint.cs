using Gateway.OpenAi;
using Microsoft.AspNetCore.Http;

namespace Gateway.Api.Endpoints;

/// <summary><c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>.</summary>
internal static class ModelsEndpoint
{
    public static IResult List(IEnumerable<IModelCatalogSource> sources) =>
        Results.Json(new ModelList(Collect(sources)), ApiJson.Options);

    public static IResult Get(string id, IEnumerable<IModelCatalogSource> sources)
    {
        var card = Collect(sources).FirstOrDefault(m => m.Id == id)
            ?? throw new OpenAiRequestException(404, $"The model '{id}' does not exist", OpenAiErrorTypes.InvalidRequest, "model", "model_not_found");
        return Results.Json(card, ApiJson.Options);
    }

    private static List<ModelCard> Collect(IEnumerable<IModelCatalogSource> sources) =>
        sources.SelectMany(s => s.GetModels()).DistinctBy(m => m.Id).ToList();
}

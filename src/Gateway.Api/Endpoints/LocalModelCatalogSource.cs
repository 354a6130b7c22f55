using Gateway.OpenAi;
using Gateway.Serving;
using Microsoft.Extensions.Options;

namespace Gateway.Api.Endpoints;

/// <summary>The model this process serves, under its name and every configured alias.</summary>
internal sealed class LocalModelCatalogSource(IGenerationService service, IOptions<ApiOptions> options) : IModelCatalogSource
{
    public IEnumerable<ModelCard> GetModels()
    {
        var created = File.Exists(service.Model.FilePath)
            ? new DateTimeOffset(File.GetLastWriteTimeUtc(service.Model.FilePath)).ToUnixTimeSeconds()
            : 0;
        yield return new ModelCard(service.Model.Name, created, "gateway");
        foreach (var alias in options.Value.ModelAliases)
        {
            yield return new ModelCard(alias, created, "gateway");
        }
    }
}

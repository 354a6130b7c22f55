using Gateway.OpenAi;
using Gateway.Serving;
using Microsoft.Extensions.Options;

namespace Gateway.Api.Endpoints;

/// <summary>The model this process serves, under its name and every configured alias.</summary>
internal sealed class LocalModelCatalogSource(IGenerationService service, IOptions<ApiOptions> options) : IModelCatalogSource
{
    public IEnumerable<ModelCard> GetModels()
    {
        // A GGUF model is a file; an ONNX model is a folder.
        var created = File.Exists(service.Model.FilePath) || Directory.Exists(service.Model.FilePath)
            ? new DateTimeOffset(File.GetLastWriteTimeUtc(service.Model.FilePath)).ToUnixTimeSeconds()
            : 0;
        yield return new ModelCard(service.Model.Name, created, "gateway", service.Model.Engine);
        foreach (var alias in options.Value.ModelAliases)
        {
            yield return new ModelCard(alias, created, "gateway", service.Model.Engine);
        }
    }
}

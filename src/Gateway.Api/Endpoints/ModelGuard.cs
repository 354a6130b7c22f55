using Gateway.Inference;
using Gateway.OpenAi;

namespace Gateway.Api.Endpoints;

/// <summary>
/// The one answer to "is this model served here" (its name or a configured alias), used by the endpoints and by the front
/// door's router; a request for any other model gets OpenAI's 404 model_not_found.
/// </summary>
public static class ModelGuard
{
    public static bool IsServed(string requested, ModelInfo model, ApiOptions options) =>
        string.Equals(requested, model.Name, StringComparison.Ordinal) || options.ModelAliases.Contains(requested, StringComparer.Ordinal);

    public static void EnsureServed(string requested, ModelInfo model, ApiOptions options)
    {
        if (!IsServed(requested, model, options))
        {
            throw new OpenAiRequestException(404,
                $"The model `{requested}` does not exist or you do not have access to it.",
                OpenAiErrorTypes.InvalidRequest, "model", "model_not_found");
        }
    }
}

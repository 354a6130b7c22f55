using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.Api.Protocol;

/// <summary>OpenAI's wire format: snake_case names, nulls written (clients expect e.g. <c>"finish_reason": null</c>).</summary>
internal static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}

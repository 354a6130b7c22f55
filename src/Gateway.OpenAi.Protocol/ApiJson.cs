using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.OpenAi;

/// <summary>OpenAI's wire format: snake_case names, nulls written (clients expect e.g. <c>"finish_reason": null</c>).</summary>
public static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}

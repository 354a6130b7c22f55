namespace Gateway.OpenAi;

/// <summary><c>GET /v1/models</c>.</summary>
public sealed record ModelList(IReadOnlyList<ModelCard> Data)
{
    public string Object => "list";
}

/// <summary>One model as <c>GET /v1/models/{id}</c> describes it.</summary>
/// <param name="Engine">Extension: which engine serves a local model ("gguf", "onnxruntime"); absent for upstream models.</param>
public sealed record ModelCard(string Id, long Created, string OwnedBy,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Engine = null)
{
    public string Object => "model";
}

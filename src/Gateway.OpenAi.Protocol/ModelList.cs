namespace Gateway.OpenAi;

/// <summary><c>GET /v1/models</c>.</summary>
public sealed record ModelList(IReadOnlyList<ModelCard> Data)
{
    public string Object => "list";
}

/// <summary>One model as <c>GET /v1/models/{id}</c> describes it.</summary>
public sealed record ModelCard(string Id, long Created, string OwnedBy)
{
    public string Object => "model";
}

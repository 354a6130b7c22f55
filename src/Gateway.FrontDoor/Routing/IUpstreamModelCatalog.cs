namespace Gateway.FrontDoor.Routing;

/// <summary>A model served by an upstream cluster, for merging into GET /v1/models.</summary>
public sealed record UpstreamModel(string Id, string Cluster);

/// <summary>The models reachable through upstream clusters (from FrontDoor:Clusters).</summary>
public interface IUpstreamModelCatalog
{
    IReadOnlyList<UpstreamModel> Models { get; }
}

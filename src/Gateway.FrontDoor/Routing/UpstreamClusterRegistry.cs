using Gateway.FrontDoor.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.FrontDoor.Routing;

/// <summary>
/// The clusters from FrontDoor:Clusters, built once at start (changing upstreams means a rollout), and the
/// model-to-cluster map routing uses.
/// </summary>
internal sealed class UpstreamClusterRegistry : IUpstreamModelCatalog, IDisposable
{
    private readonly Dictionary<string, UpstreamCluster> _byModel = new(StringComparer.Ordinal);

    public UpstreamClusterRegistry(IOptions<FrontDoorOptions> options, TimeProvider time, ILogger<UpstreamClusterRegistry> logger)
    {
        var models = new List<UpstreamModel>();
        var clusters = new List<UpstreamCluster>();
        foreach (var (name, clusterOptions) in options.Value.Clusters)
        {
            var cluster = new UpstreamCluster(name, clusterOptions, time, logger);
            clusters.Add(cluster);
            foreach (var model in clusterOptions.Models)
            {
                if (!_byModel.TryAdd(model, cluster))
                {
                    throw new InvalidOperationException($"Model '{model}' is listed by more than one upstream cluster.");
                }

                models.Add(new UpstreamModel(model, name));
            }
        }

        Clusters = clusters;
        Models = models;
    }

    public IReadOnlyList<UpstreamCluster> Clusters { get; }

    public IReadOnlyList<UpstreamModel> Models { get; }

    public UpstreamCluster? FindCluster(string model) => _byModel.GetValueOrDefault(model);

    public void Dispose()
    {
        foreach (var cluster in Clusters)
        {
            cluster.Dispose();
        }
    }
}

using Gateway.FrontDoor.Logging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.FrontDoor.Routing;

/// <summary>
/// Active health checks: GETs each destination's readiness path on the cluster's interval and takes a destination
/// out of rotation while it does not answer 2xx (a draining upstream answers 503 there, so it is skipped early).
/// </summary>
internal sealed class UpstreamHealthProbe(UpstreamClusterRegistry registry, TimeProvider time, ILogger<UpstreamHealthProbe> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(registry.Clusters
            .Where(static cluster => cluster.Options.HealthCheck.Enabled)
            .Select(cluster => ProbeClusterAsync(cluster, stoppingToken)));

    /// <summary>Probes every destination of the cluster once.</summary>
    public Task ProbeOnceAsync(UpstreamCluster cluster, CancellationToken cancellationToken) =>
        Task.WhenAll(cluster.Destinations.Select(destination => ProbeAsync(cluster, destination, cancellationToken)));

    private async Task ProbeClusterAsync(UpstreamCluster cluster, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(cluster.Options.HealthCheck.Interval, time);
        try
        {
            do
            {
                await ProbeOnceAsync(cluster, stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ProbeAsync(UpstreamCluster cluster, UpstreamDestination destination, CancellationToken stoppingToken)
    {
        var healthy = false;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(cluster.Options.HealthCheck.Timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, destination.Address + cluster.Options.HealthCheck.Path);
            using var response = await cluster.Invoker.SendAsync(request, timeout.Token).ConfigureAwait(false);
            healthy = response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !stoppingToken.IsCancellationRequested))
        {
            healthy = false;
        }

        if (destination.ActiveHealthy != healthy)
        {
            destination.ActiveHealthy = healthy;
            FrontDoorLog.UpstreamHealthChanged(logger, cluster.Name, destination.Name, healthy ? "healthy" : "unhealthy");
        }
    }
}

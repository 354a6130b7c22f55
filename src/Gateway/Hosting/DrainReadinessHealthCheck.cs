using Gateway.FrontDoor.Drain;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gateway.Hosting;

/// <summary>Turns <c>/readyz</c> unhealthy the moment draining starts, so the load balancer stops sending new work.</summary>
internal sealed class DrainReadinessHealthCheck(IDrainState drain) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(drain.IsDraining ? HealthCheckResult.Unhealthy("draining") : HealthCheckResult.Healthy());
}

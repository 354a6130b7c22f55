using Gateway.Serving;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gateway.Hosting;

/// <summary>
/// Keeps <c>/readyz</c> unhealthy while the engine warms up at start, so the load balancer sends traffic only once the
/// first request runs at full speed.
/// </summary>
internal sealed class WarmupReadinessHealthCheck(IGenerationService service) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(service.Snapshot().WarmingUp ? HealthCheckResult.Unhealthy("warming up") : HealthCheckResult.Healthy());
}

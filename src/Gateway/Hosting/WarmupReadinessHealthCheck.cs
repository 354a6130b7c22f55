using Gateway.Serving;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gateway.Hosting;

/// <summary>
/// Keeps <c>/readyz</c> unhealthy while the engine, then the HTTP path, warm up at start, so the load balancer sends
/// traffic only once the first request runs at full speed.
/// </summary>
internal sealed class WarmupReadinessHealthCheck(IGenerationService service, HttpPathWarmup httpWarmup) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            service.Snapshot().WarmingUp ? HealthCheckResult.Unhealthy("warming up")
            : !httpWarmup.Finished ? HealthCheckResult.Unhealthy("warming up the HTTP path")
            : HealthCheckResult.Healthy());
}

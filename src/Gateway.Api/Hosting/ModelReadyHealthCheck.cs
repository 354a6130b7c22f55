using Gateway.Serving;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gateway.Api.Hosting;

/// <summary>Ready once the model is loaded (resolving the service loads it), so no traffic arrives before the engine can serve.</summary>
internal sealed class ModelReadyHealthCheck(IGenerationService service) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(HealthCheckResult.Healthy($"model {service.Model.Name} loaded"));
}

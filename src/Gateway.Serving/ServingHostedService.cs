using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Gateway.Serving;

/// <summary>Runs the scheduler loop for the host's lifetime and drains it on shutdown.</summary>
internal sealed class ServingHostedService(GenerationService service, IOptions<DrainOptions> drain) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        service.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) =>
        service.StopAsync(TimeSpan.FromSeconds(drain.Value.TimeoutSeconds), cancellationToken);
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Gateway.Serving;

/// <summary>
/// Runs the scheduler loop for the host's lifetime and drains it on shutdown. How long a drain may last is the front
/// door's decision (the <c>Drain</c> section, which also sizes the host's shutdown timeout): it cancels the requests
/// still streaming when its drain ends, and this service waits for them within the host's shutdown budget.
/// </summary>
internal sealed class ServingHostedService(GenerationService service, IOptions<HostOptions> host) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        service.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) =>
        service.StopAsync(host.Value.ShutdownTimeout, cancellationToken);
}

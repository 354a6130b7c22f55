using Gateway.FrontDoor.Configuration;
using Gateway.FrontDoor.Logging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.FrontDoor.Drain;

/// <summary>
/// Runs the drain in the host's "stopping" phase, which comes before any hosted service (Kestrel included) stops:
/// the server keeps accepting, so late arrivals get a retryable 503 instead of a refused connection, while requests in
/// flight run to completion or until Drain:TimeoutSeconds, when they are cancelled.
/// </summary>
internal sealed class DrainCoordinator(
    DrainState state, IHostApplicationLifetime lifetime, IOptions<DrainOptions> options, TimeProvider time,
    ILogger<DrainCoordinator> logger) : IHostedLifecycleService
{
    /// <summary>After the deadline, cancelled requests get this long to unwind before the server stops anyway.</summary>
    private static readonly TimeSpan s_unwindGrace = TimeSpan.FromSeconds(5);

    private CancellationTokenRegistration _stoppingRegistration;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // A stop requested through the lifetime (SIGTERM) flips readiness at once, even before the host reaches StoppingAsync.
        _stoppingRegistration = lifetime.ApplicationStopping.Register(static s => ((DrainState)s!).BeginDrain(), state);
        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        state.BeginDrain();
        var timeout = TimeSpan.FromSeconds(options.Value.TimeoutSeconds);
        FrontDoorLog.DrainStarted(logger, options.Value.TimeoutSeconds, state.InFlight);
        try
        {
            await state.Idle.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            FrontDoorLog.DrainDeadlineReached(logger, state.InFlight);
            state.ExpireDeadline();
            try
            {
                await state.Idle.WaitAsync(s_unwindGrace, time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Whatever is still running is torn down with the server.
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            state.ExpireDeadline();
            return;
        }

        FrontDoorLog.DrainCompleted(logger);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        state.ExpireDeadline();
        return Task.CompletedTask;
    }

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        _stoppingRegistration.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>The host must allow the drain plus the unwind grace, or it would cut the drain short.</summary>
    public static TimeSpan RequiredShutdownTimeout(DrainOptions options) =>
        TimeSpan.FromSeconds(options.TimeoutSeconds) + s_unwindGrace + TimeSpan.FromSeconds(5);
}

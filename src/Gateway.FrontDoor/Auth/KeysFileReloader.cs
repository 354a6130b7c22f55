using Gateway.FrontDoor.Configuration;
using Gateway.FrontDoor.Logging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.FrontDoor.Auth;

/// <summary>
/// Re-reads the mounted keys file when its content changes. Polling rather than a file watcher because Kubernetes
/// updates secrets by swapping a symlinked directory, which file watchers report unreliably.
/// </summary>
internal sealed class KeysFileReloader(
    ApiKeyStore store, IOptions<FrontDoorOptions> options, TimeProvider time, ILogger<KeysFileReloader> logger)
    : BackgroundService
{
    private string? _lastContent;

    /// <summary>Loads the file once; returns whether it changed. Errors keep the previous keys.</summary>
    public bool ReloadIfChanged()
    {
        var path = options.Value.Auth.KeysFile;
        if (string.IsNullOrWhiteSpace(path))
        {
            return false;
        }

        try
        {
            var content = File.ReadAllText(path);
            if (string.Equals(content, _lastContent, StringComparison.Ordinal))
            {
                return false;
            }

            store.LoadKeysFile(content);
            _lastContent = content;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException
                                       or System.Text.Json.JsonException)
        {
            FrontDoorLog.KeysFileUnreadable(logger, path, ex);
            return false;
        }
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Keys must be there before the first request, not a poll interval later.
        ReloadIfChanged();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (string.IsNullOrWhiteSpace(options.Value.Auth.KeysFile))
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.Auth.KeysFilePollInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                ReloadIfChanged();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

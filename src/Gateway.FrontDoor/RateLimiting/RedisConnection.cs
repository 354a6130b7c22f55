using Gateway.FrontDoor.Configuration;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gateway.FrontDoor.RateLimiting;

/// <summary>
/// The shared multiplexer. It connects in the background and keeps reconnecting by itself
/// (AbortOnConnectFail off), so a Redis that is down at start or restarts later is picked up without a restart.
/// </summary>
internal sealed class RedisConnection : IDisposable
{
    private readonly Task<ConnectionMultiplexer> _connecting;

    public RedisConnection(IOptions<FrontDoorOptions> options)
    {
        var configuration = ConfigurationOptions.Parse(options.Value.Redis.Configuration ?? "");
        configuration.AbortOnConnectFail = false;
        _connecting = ConnectionMultiplexer.ConnectAsync(configuration);
    }

    public async Task<IDatabase> GetDatabaseAsync(CancellationToken cancellationToken)
    {
        var multiplexer = await _connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        return multiplexer.GetDatabase();
    }

    public void Dispose()
    {
        if (_connecting.IsCompletedSuccessfully)
        {
            _connecting.Result.Dispose();
        }
    }
}

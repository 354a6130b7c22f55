using System.Collections.Concurrent;
using System.Globalization;
using Gateway.FrontDoor.Configuration;
using Gateway.FrontDoor.Logging;
using Gateway.FrontDoor.Tenants;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gateway.FrontDoor.RateLimiting;

/// <summary>
/// Fleet-wide concurrency: a request holds a lease in its tenant's Redis sorted set (see
/// <see cref="RedisConcurrencyScripts"/>) from admission to completion. A timer renews this replica's live leases every
/// third of <c>FrontDoor:Redis:LeaseDuration</c>, so a crashed replica's leases expire within that duration. When Redis
/// cannot decide (down, slow, breaker open) the request takes a lease of this replica's share instead, as the rate
/// buckets do.
/// </summary>
internal sealed class RedisConcurrencyLimiter : ITenantConcurrencyLimiter, IDisposable
{
    private readonly RedisConnection _connection;
    private readonly RedisResilience _resilience;
    private readonly ILogger<RedisConcurrencyLimiter> _logger;
    private readonly LocalConcurrencyLimiter _localShare;
    private readonly string _prefix;
    private readonly long _leaseMilliseconds;
    private readonly string _replicaId = Guid.NewGuid().ToString("N")[..12];
    private readonly ConcurrentDictionary<string, RedisKey> _keys = new(StringComparer.Ordinal);

    /// <summary>Live leases of this replica: lease id → its tenant's set.</summary>
    private readonly ConcurrentDictionary<string, RedisKey> _live = new(StringComparer.Ordinal);
    private readonly ITimer _renewal;
    private long _nextLease;
    private int _renewing;

    public RedisConcurrencyLimiter(
        RedisConnection connection, RedisResilience resilience, IOptions<FrontDoorOptions> options, TimeProvider time,
        ILogger<RedisConcurrencyLimiter> logger)
    {
        _connection = connection;
        _resilience = resilience;
        _logger = logger;
        _localShare = new LocalConcurrencyLimiter(resilience.Replicas, RateLimitScope.Replica);
        var redis = options.Value.Redis;
        _prefix = redis.KeyPrefix;
        _leaseMilliseconds = Math.Max(1000, (long)redis.LeaseDuration.TotalMilliseconds);
        var period = TimeSpan.FromMilliseconds(_leaseMilliseconds / 3.0);
        _renewal = time.CreateTimer(static self => ((RedisConcurrencyLimiter)self!).StartRenewal(), this, period, period);
    }

    /// <summary>How many leases this replica holds in Redis now (for tests and diagnostics).</summary>
    public int LiveLeases => _live.Count;

    public async ValueTask<ConcurrencyLease?> TryAcquireAsync(TenantPolicy tenant, CancellationToken cancellationToken)
    {
        if (tenant.MaxConcurrentRequests <= 0)
        {
            return null;
        }

        var key = Key(tenant);
        var id = $"{_replicaId}:{Interlocked.Increment(ref _nextLease).ToString(CultureInfo.InvariantCulture)}";
        try
        {
            var admitted = await _resilience.Pipeline.ExecuteAsync(
                static async (state, token) =>
                {
                    var database = await state.Self._connection.GetDatabaseAsync(token).ConfigureAwait(false);
                    var result = await database.ScriptEvaluateAsync(
                            RedisConcurrencyScripts.Acquire, [state.Key],
                            [state.Tenant.MaxConcurrentRequests, state.Self._leaseMilliseconds, state.Id])
                        .WaitAsync(token).ConfigureAwait(false);
                    return (int)((RedisResult[])result!)[0] == 1;
                },
                (Self: this, Key: key, Tenant: tenant, Id: id), cancellationToken).ConfigureAwait(false);
            if (!admitted)
            {
                return new RedisLease(this, key, id, isAcquired: false);
            }

            _live[id] = key;
            return new RedisLease(this, key, id, isAcquired: true);
        }
        catch (Exception ex) when (RedisResilience.IsUnavailable(ex, cancellationToken))
        {
            FrontDoorLog.RedisCallFailed(_logger, ex);
            return _localShare.TryAcquire(tenant);
        }
    }

    public void Dispose()
    {
        _renewal.Dispose();
        _localShare.Dispose();
    }

    private async ValueTask ReleaseAsync(RedisKey key, string id)
    {
        _live.TryRemove(id, out _);
        try
        {
            // Fire and forget: the response is complete, and a release Redis never sees only lasts until the expiry.
            var database = await _connection.GetDatabaseAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            await database.SortedSetRemoveAsync(key, id, CommandFlags.FireAndForget).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            FrontDoorLog.RedisCallFailed(_logger, ex);
        }
    }

    private void StartRenewal()
    {
        if (_live.IsEmpty || Interlocked.Exchange(ref _renewing, 1) == 1)
        {
            return;
        }

        _ = RenewAsync();
    }

    private async Task RenewAsync()
    {
        try
        {
            var database = await _connection.GetDatabaseAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            var batches = new List<Task>();
            foreach (var group in _live.ToArray().GroupBy(static pair => pair.Value, static pair => pair.Key))
            {
                RedisValue[] args = [_leaseMilliseconds, .. group.Select(static id => (RedisValue)id)];
                batches.Add(database.ScriptEvaluateAsync(RedisConcurrencyScripts.Renew, [group.Key], args));
            }

            await Task.WhenAll(batches).WaitAsync(TimeSpan.FromMilliseconds(_leaseMilliseconds / 3.0)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The next tick tries again; if Redis stays away the leases expire, which is what an outage should do.
            FrontDoorLog.RedisCallFailed(_logger, ex);
        }
        finally
        {
            Volatile.Write(ref _renewing, 0);
        }
    }

    /// <summary>The {tenant} hash tag puts a tenant's keys on one Redis Cluster slot.</summary>
    private RedisKey Key(TenantPolicy tenant) =>
        _keys.TryGetValue(tenant.Name, out var key)
            ? key
            : _keys.GetOrAdd(tenant.Name, static (name, prefix) => (RedisKey)$"{prefix}{{{name}}}:inflight", _prefix);

    private sealed class RedisLease(RedisConcurrencyLimiter owner, RedisKey key, string id, bool isAcquired)
        : ConcurrencyLease(isAcquired, RateLimitScope.Global)
    {
        protected override ValueTask ReleaseAsync() => owner.ReleaseAsync(key, id);
    }
}

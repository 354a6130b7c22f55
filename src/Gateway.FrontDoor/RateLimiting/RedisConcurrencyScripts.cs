namespace Gateway.FrontDoor.RateLimiting;

/// <summary>
/// Concurrency leases in Redis: one sorted set per tenant, member = lease id, score = expiry (Redis server time, ms).
/// Expired members are swept before counting, so leases of a replica that crashed free themselves once their expiry
/// passes; live leases are pushed forward by their replica while the request runs.
/// </summary>
internal static class RedisConcurrencyScripts
{
    private const string Now = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        """;

    /// <summary>KEYS: leases. ARGV: limit, lease ms, lease id. Returns {admitted (0/1), leases held after the call}.</summary>
    public const string Acquire = Now + """

        local ttl = tonumber(ARGV[2])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        local held = redis.call('ZCARD', KEYS[1])
        if held >= tonumber(ARGV[1]) then return {0, held} end
        redis.call('ZADD', KEYS[1], now + ttl, ARGV[3])
        redis.call('PEXPIRE', KEYS[1], ttl * 2)
        return {1, held + 1}
        """;

    /// <summary>
    /// KEYS: leases. ARGV: lease ms, lease ids... Pushes each lease's expiry forward; a lease that vanished (Redis
    /// restarted empty) is written again, so requests still running keep counting against the limit.
    /// </summary>
    public const string Renew = Now + """

        local ttl = tonumber(ARGV[1])
        for i = 2, #ARGV do redis.call('ZADD', KEYS[1], now + ttl, ARGV[i]) end
        redis.call('PEXPIRE', KEYS[1], ttl * 2)
        return #ARGV - 1
        """;
}

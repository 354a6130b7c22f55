namespace Gateway.FrontDoor.RateLimiting;

/// <summary>
/// Lua run atomically by Redis: the same continuously refilled buckets as <see cref="TokenBucket"/>, stored as a hash
/// {l: level, t: last update ms}. Time comes from the Redis server so replicas with skewed clocks agree.
/// A limit of 0 means unlimited. Keys expire after two windows idle, when they would be full anyway.
/// </summary>
internal static class RedisRateLimitScripts
{
    private const string Prelude = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local function level(key, cap)
          local s = redis.call('HMGET', key, 'l', 't')
          local l = tonumber(s[1])
          if not l then return cap end
          local elapsed = math.max(0, now - tonumber(s[2]))
          return math.min(cap, l + elapsed * cap / 60000)
        end
        local function store(key, l)
          redis.call('HSET', key, 'l', tostring(l), 't', tostring(now))
          redis.call('PEXPIRE', key, 120000)
        end
        """;

    /// <summary>KEYS: requests, tokens. ARGV: request limit, token limit, tokens wanted. Returns {denied, requests level, tokens level}
    /// where denied is 0 (admitted), 1 (requests) or 2 (tokens).</summary>
    public const string Acquire = Prelude + """

        local rcap = tonumber(ARGV[1])
        local tcap = tonumber(ARGV[2])
        local cost = tonumber(ARGV[3])
        local r = 0
        local k = 0
        if rcap > 0 then r = level(KEYS[1], rcap) end
        if tcap > 0 then k = level(KEYS[2], tcap) end
        local denied = 0
        if rcap > 0 and r < 1 then
          denied = 1
        elseif tcap > 0 and k < cost then
          denied = 2
        else
          if rcap > 0 then r = r - 1; store(KEYS[1], r) end
          if tcap > 0 then k = k - cost; store(KEYS[2], k) end
        end
        return {denied, tostring(r), tostring(k)}
        """;

    /// <summary>KEYS: tokens. ARGV: token limit, tokens to give back (negative charges more).</summary>
    public const string Adjust = Prelude + """

        local tcap = tonumber(ARGV[1])
        if tcap <= 0 then return 0 end
        local k = math.min(tcap, level(KEYS[1], tcap) + tonumber(ARGV[2]))
        store(KEYS[1], k)
        return 1
        """;
}

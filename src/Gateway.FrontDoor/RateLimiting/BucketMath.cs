namespace Gateway.FrontDoor.RateLimiting;

/// <summary>Bucket arithmetic shared by the Redis limiter, which gets levels back from Lua rather than a <see cref="TokenBucket"/>.</summary>
internal static class BucketMath
{
    public static TimeSpan TimeUntil(double level, double amount, int perMinute) =>
        level >= amount || perMinute <= 0 ? TimeSpan.Zero : TimeSpan.FromMinutes((amount - level) / perMinute);

    public static RateLimitWindow Window(int limit, double level) =>
        limit <= 0
            ? default
            : new RateLimitWindow(limit, (int)Math.Max(0, Math.Floor(level)), TimeUntil(level, limit, limit));
}

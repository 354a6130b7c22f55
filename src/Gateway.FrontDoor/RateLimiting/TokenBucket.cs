namespace Gateway.FrontDoor.RateLimiting;

/// <summary>
/// A per-minute bucket refilled continuously (capacity = the limit, rate = limit per minute). It may go negative:
/// when actual usage exceeds the reservation the debt is charged and paid back by refill. Not thread-safe; the owner locks.
/// Redis runs the same arithmetic in Lua, so local and global limiting behave alike.
/// </summary>
internal sealed class TokenBucket(double capacity, long createdTimestamp)
{
    private static readonly TimeSpan s_window = TimeSpan.FromMinutes(1);

    private double _level = capacity;
    private long _updated = createdTimestamp;

    public double Capacity { get; private set; } = capacity;

    public double PerSecond => Capacity / s_window.TotalSeconds;

    /// <summary>Brings the level up to date, following a capacity change from reloaded configuration.</summary>
    public double Refill(double capacity, TimeProvider time)
    {
        var now = time.GetTimestamp();
        Capacity = capacity;
        var elapsed = time.GetElapsedTime(_updated, now);
        _updated = now;
        _level = Math.Min(capacity, _level + (elapsed.TotalSeconds * PerSecond));
        return _level;
    }

    public double Level => _level;

    public void Take(double amount) => _level -= amount;

    public void Give(double amount) => _level = Math.Min(Capacity, _level + amount);

    /// <summary>How long until <paramref name="amount"/> is available.</summary>
    public TimeSpan TimeUntil(double amount) =>
        _level >= amount || PerSecond <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((amount - _level) / PerSecond);

    public RateLimitWindow Window(int limit) =>
        new(limit, (int)Math.Max(0, Math.Floor(_level)), TimeUntil(Capacity));
}

namespace Gateway.FrontDoor.RateLimiting;

/// <summary>One request's concurrency slot; disposing it frees the slot (once).</summary>
internal abstract class ConcurrencyLease : IAsyncDisposable
{
    private int _disposed;

    protected ConcurrencyLease(bool isAcquired, RateLimitScope scope)
    {
        IsAcquired = isAcquired;
        Scope = scope;
    }

    public bool IsAcquired { get; }

    /// <summary>Whether the fleet-wide count (Redis) or this replica's share decided.</summary>
    public RateLimitScope Scope { get; }

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return Interlocked.Exchange(ref _disposed, 1) == 0 && IsAcquired ? ReleaseAsync() : ValueTask.CompletedTask;
    }

    protected abstract ValueTask ReleaseAsync();
}

namespace Gateway.FrontDoor.Drain;

/// <summary>Tracks requests in flight so shutdown can wait for exactly them.</summary>
internal sealed class DrainState : IDrainState, IDisposable
{
    private readonly CancellationTokenSource _started = new();
    private readonly CancellationTokenSource _deadline = new();
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight;

    public bool IsDraining => _started.IsCancellationRequested;

    public CancellationToken DrainStarted => _started.Token;

    public CancellationToken DrainDeadline => _deadline.Token;

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Completes once draining has begun and no request is in flight.</summary>
    public Task Idle => _idle.Task;

    public void BeginDrain()
    {
        if (!_started.IsCancellationRequested)
        {
            _started.Cancel();
        }

        CompleteIfIdle();
    }

    public void ExpireDeadline()
    {
        if (!_deadline.IsCancellationRequested)
        {
            _deadline.Cancel();
        }
    }

    public void Enter() => Interlocked.Increment(ref _inFlight);

    public void Exit()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0)
        {
            CompleteIfIdle();
        }
    }

    public void Dispose()
    {
        _started.Dispose();
        _deadline.Dispose();
    }

    private void CompleteIfIdle()
    {
        if (IsDraining && Volatile.Read(ref _inFlight) == 0)
        {
            _idle.TrySetResult();
        }
    }
}

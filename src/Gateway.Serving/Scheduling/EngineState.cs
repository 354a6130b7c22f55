using Gateway.Serving.KvCache;

namespace Gateway.Serving.Scheduling;

/// <summary>
/// The scheduler loop's figures as other threads may read them: written by the loop after each step, read by snapshots
/// and by admission. Each field is read on its own, so two of them may be a step apart.
/// </summary>
internal sealed class EngineState
{
    private long _steps;
    private int _running;
    private int _waiting;
    private int _kvFree;
    private int _kvUsed;
    private int _kvCached;
    private int _kvTotal;
    private long _preemptions;
    private volatile bool _warmingUp;

    public long Steps => Interlocked.Read(ref _steps);

    /// <summary>Running sequences as of the end of the last step.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>Waiting sequences (queued or preempted) as of the end of the last step.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    public KvCacheUsage KvUsage => new(Volatile.Read(ref _kvFree), Volatile.Read(ref _kvUsed), Volatile.Read(ref _kvCached), Volatile.Read(ref _kvTotal));

    public long Preemptions => Interlocked.Read(ref _preemptions);

    /// <summary>True while the loop runs its start-up warm-up; requests wait in the queue meanwhile.</summary>
    public bool WarmingUp
    {
        get => _warmingUp;
        set => _warmingUp = value;
    }

    public void StepDone() => Interlocked.Increment(ref _steps);

    public void Publish(int running, int waiting, KvCacheUsage usage, long preemptions)
    {
        Volatile.Write(ref _running, running);
        Volatile.Write(ref _waiting, waiting);
        Volatile.Write(ref _kvFree, usage.Free);
        Volatile.Write(ref _kvUsed, usage.Used);
        Volatile.Write(ref _kvCached, usage.Cached);
        Volatile.Write(ref _kvTotal, usage.Total);
        Interlocked.Exchange(ref _preemptions, preemptions);
    }
}

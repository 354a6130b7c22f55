using SpikeReplay.Client;
using SpikeReplay.Reporting;

namespace SpikeReplay.Running;

/// <summary>Thread-safe running totals that the once-a-second progress line samples while requests are in flight.</summary>
internal sealed class LiveCounters
{
    private readonly Lock _ttftLock = new();
    private readonly List<double> _ttfts = [];
    private long _offered;
    private long _admitted;
    private long _inFlight;
    private long _status2xx;
    private long _status429;
    private long _status503;
    private long _status5xx;
    private long _otherFailures;
    private long _dropped;
    private string _phase = "";

    public string Phase
    {
        get => Volatile.Read(ref _phase);
        set => Volatile.Write(ref _phase, value);
    }

    public long Offered => Interlocked.Read(ref _offered);

    public long Admitted => Interlocked.Read(ref _admitted);

    public long InFlight => Interlocked.Read(ref _inFlight);

    public long Status2xx => Interlocked.Read(ref _status2xx);

    public long Status429 => Interlocked.Read(ref _status429);

    public long Status503 => Interlocked.Read(ref _status503);

    public long Status5xx => Interlocked.Read(ref _status5xx);

    public long OtherFailures => Interlocked.Read(ref _otherFailures);

    public long Dropped => Interlocked.Read(ref _dropped);

    public void RecordOffered() => Interlocked.Increment(ref _offered);

    public void RecordDropped() => Interlocked.Increment(ref _dropped);

    public long EnterFlight() => Interlocked.Increment(ref _inFlight);

    public void LeaveFlight() => Interlocked.Decrement(ref _inFlight);

    public void RecordFinished(RequestRecord record)
    {
        switch (record.StatusCode)
        {
            case >= 200 and < 300:
                Interlocked.Increment(ref _admitted);
                Interlocked.Increment(ref _status2xx);
                break;
            case 429:
                Interlocked.Increment(ref _status429);
                break;
            case 503:
                Interlocked.Increment(ref _status503);
                break;
            case >= 500:
                Interlocked.Increment(ref _status5xx);
                break;
            default:
                Interlocked.Increment(ref _otherFailures);
                break;
        }

        if (record.TtftMilliseconds is { } ttft)
        {
            lock (_ttftLock)
            {
                _ttfts.Add(ttft);
            }
        }
    }

    public double? TtftPercentileSoFar(double percentile)
    {
        double[] snapshot;
        lock (_ttftLock)
        {
            snapshot = [.. _ttfts];
        }

        return Percentiles.Of(snapshot, percentile);
    }
}

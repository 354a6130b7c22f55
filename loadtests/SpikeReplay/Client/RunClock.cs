using System.Diagnostics;

namespace SpikeReplay.Client;

/// <summary>Monotonic milliseconds since the run started; wall-clock time would jump with NTP corrections.</summary>
internal sealed class RunClock
{
    private readonly long _start = Stopwatch.GetTimestamp();

    public double NowMilliseconds => Stopwatch.GetElapsedTime(_start).TotalMilliseconds;
}

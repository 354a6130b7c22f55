using System.Diagnostics;

namespace Gateway.Serving.Tests.TestDoubles;

/// <summary>A clock that moves only when told to, at the stopwatch's frequency, so measured step times are exact.</summary>
internal sealed class ManualClock : TimeProvider
{
    private long _timestamp = 1;

    public override long TimestampFrequency => Stopwatch.Frequency;

    public override long GetTimestamp() => Interlocked.Read(ref _timestamp);

    public void Advance(double seconds) => Interlocked.Add(ref _timestamp, (long)Math.Round(seconds * TimestampFrequency));
}

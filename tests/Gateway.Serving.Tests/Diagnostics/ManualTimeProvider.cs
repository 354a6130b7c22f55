namespace Gateway.Serving.Tests.Diagnostics;

/// <summary>A clock that moves only when the test says so: the demand gauge's smoothing becomes exact arithmetic.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private long _ticks = TimeSpan.TicksPerDay; // not zero, so "elapsed since construction" is never special

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public double Seconds => _ticks / (double)TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _ticks;

    public void Advance(double seconds) => _ticks += (long)Math.Round(seconds * TimeSpan.TicksPerSecond);
}

namespace Gateway.Kernels;

/// <summary>Tunables of a <see cref="ComputePool"/>.</summary>
public sealed class ComputePoolOptions
{
    /// <summary>Threads taking part in each run, the caller included.</summary>
    public int Threads { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// How long an idle worker keeps polling for the next run before it blocks. Decode steps issue runs back to back,
    /// so a short spin saves the wake-up latency of a blocked thread (tens of microseconds) on every matmul.
    /// </summary>
    public TimeSpan SpinBeforeBlocking { get; set; } = TimeSpan.FromMicroseconds(50);
}

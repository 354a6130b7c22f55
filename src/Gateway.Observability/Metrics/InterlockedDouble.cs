namespace Gateway.Observability.Metrics;

/// <summary>Lock-free addition on a double, which <see cref="Interlocked"/> lacks.</summary>
internal static class InterlockedDouble
{
    public static void Add(ref double location, double value)
    {
        var current = Volatile.Read(ref location);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref location, current + value, current);
            // Compared as bits: equality of doubles would spin forever once the total is NaN.
            if (BitConverter.DoubleToInt64Bits(seen) == BitConverter.DoubleToInt64Bits(current))
            {
                return;
            }

            current = seen;
        }
    }
}

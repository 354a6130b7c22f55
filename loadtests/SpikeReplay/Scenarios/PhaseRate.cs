namespace SpikeReplay.Scenarios;

/// <summary>
/// A phase's rate as a function of time, linear from <see cref="StartRps"/> to <see cref="EndRps"/>. Arrivals are placed
/// by time rescaling: unit-mean gaps accumulate "operational time" s, and each arrival lands at the t where the
/// cumulative intensity Λ(t) = s. That keeps the arrival process's burstiness while following the ramp.
/// </summary>
internal readonly record struct PhaseRate(double StartRps, double EndRps, double DurationSeconds)
{
    public double RateAt(double seconds)
    {
        if (DurationSeconds <= 0)
        {
            return StartRps;
        }

        var fraction = Math.Clamp(seconds / DurationSeconds, 0.0, 1.0);
        return StartRps + (EndRps - StartRps) * fraction;
    }

    /// <summary>Λ(t): expected arrivals from the phase start to <paramref name="seconds"/>.</summary>
    public double CumulativeArrivals(double seconds)
    {
        var t = Math.Clamp(seconds, 0.0, DurationSeconds);
        return StartRps * t + SlopeHalf * t * t;
    }

    /// <summary>Expected arrivals in the whole phase.</summary>
    public double ExpectedArrivals => CumulativeArrivals(DurationSeconds);

    /// <summary>The time at which Λ reaches <paramref name="operationalTime"/>, or null past the phase end.</summary>
    public double? TimeOfCumulative(double operationalTime)
    {
        if (operationalTime > ExpectedArrivals)
        {
            return null;
        }

        var a = SlopeHalf;
        var b = StartRps;
        var discriminant = b * b + 4.0 * a * operationalTime;
        var denominator = b + Math.Sqrt(Math.Max(0.0, discriminant));
        if (denominator <= 0)
        {
            return null;
        }

        // 2s / (b + sqrt(b² + 4as)) is the quadratic's root written so that a → 0 (a flat rate) does not divide by zero.
        return Math.Min(DurationSeconds, 2.0 * operationalTime / denominator);
    }

    private double SlopeHalf => DurationSeconds > 0 ? (EndRps - StartRps) / (2.0 * DurationSeconds) : 0.0;
}

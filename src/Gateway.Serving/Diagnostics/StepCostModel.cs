namespace Gateway.Serving.Diagnostics;

/// <summary>
/// Measured engine step time by step size: a moving average of seconds per step in buckets of token count (powers of
/// two), written by the scheduler loop after every step and read by admission to predict how long the work ahead of
/// an arriving request takes at the current batch composition. A size with no measurement of its own is
/// interpolated between the nearest measured sizes; beyond the largest it grows in proportion to the tokens, below the
/// smallest it costs what the smallest did — both on the pessimistic side. Sizes measured within the last
/// <see cref="FreshFor"/> are preferred over older ones: the machine's speed drifts (other processes, thermal limits),
/// and a size last seen long ago (at warm-up, say) would otherwise predict from a different machine state.
/// </summary>
internal sealed class StepCostModel
{
    private const int BucketCount = 16; // 1 .. 32768 tokens
    private const double Smoothing = 0.2;

    private readonly double[] _seconds = new double[BucketCount];
    private readonly double[] _tokens = new double[BucketCount];
    private readonly long[] _updated = new long[BucketCount];
    private readonly TimeProvider _time;
    private readonly long _freshTicks;
    private readonly Lock _lock = new();

    public StepCostModel(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _freshTicks = (long)(FreshFor.TotalSeconds * _time.TimestampFrequency);
    }

    /// <summary>How long a measured size counts as current.</summary>
    public static TimeSpan FreshFor { get; } = TimeSpan.FromSeconds(30);

    public bool HasData { get; private set; }

    public void Record(int tokens, double seconds)
    {
        if (tokens <= 0 || !(seconds >= 0))
        {
            return;
        }

        var bucket = BucketOf(tokens);
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            _updated[bucket] = now;
            if (_tokens[bucket] == 0)
            {
                _tokens[bucket] = tokens;
                _seconds[bucket] = seconds;
            }
            else
            {
                _tokens[bucket] += Smoothing * (tokens - _tokens[bucket]);
                _seconds[bucket] += Smoothing * (seconds - _seconds[bucket]);
            }

            HasData = true;
        }
    }

    /// <summary>Predicted seconds of one step carrying <paramref name="tokens"/> tokens; 0 without any measurement.</summary>
    public double StepSeconds(int tokens)
    {
        tokens = Math.Max(tokens, 1);
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            var anyFresh = false;
            for (var b = 0; b < BucketCount; b++)
            {
                anyFresh |= _tokens[b] != 0 && now - _updated[b] <= _freshTicks;
            }

            int below = -1, above = -1;
            for (var b = 0; b < BucketCount; b++)
            {
                if (_tokens[b] == 0 || (anyFresh && now - _updated[b] > _freshTicks))
                {
                    continue;
                }

                if (_tokens[b] <= tokens)
                {
                    below = b;
                }
                else if (above < 0)
                {
                    above = b;
                }
            }

            if (below < 0 && above < 0)
            {
                return 0;
            }

            if (above < 0)
            {
                return _seconds[below] * tokens / _tokens[below];
            }

            if (below < 0)
            {
                return _seconds[above];
            }

            var fraction = (tokens - _tokens[below]) / (_tokens[above] - _tokens[below]);
            return _seconds[below] + (fraction * (_seconds[above] - _seconds[below]));
        }
    }

    private static int BucketOf(int tokens) => Math.Min(31 - int.LeadingZeroCount(tokens), BucketCount - 1);
}

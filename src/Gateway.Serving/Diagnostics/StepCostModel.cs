namespace Gateway.Serving.Diagnostics;

/// <summary>
/// Measured engine step time by step size, written by the scheduler loop after every step and read by admission to
/// predict how long the work ahead of an arriving request takes at the current batch composition. It keeps two
/// things: the shape of the cost curve — seconds per step in buckets of token count (powers of two), slowly averaged,
/// seeded by the warm-up at every size the scheduler forms — and the machine's current speed, a fast average of how
/// the last steps compared with that shape. A prediction is shape times speed: a size not run for a while (a big
/// prefill during steady decoding) is still predicted at today's speed, on a shared machine whose speed drifts.
/// Between measured sizes the shape is interpolated; beyond the largest it grows in proportion to the tokens, below
/// the smallest it stays flat — both on the pessimistic side.
/// One step counts for at most <see cref="OutlierLimit"/> times (or a fraction of) what the model expects: a step
/// stalled by a garbage collection, a recompilation or the OS taking the core (seen on 2 cores: a 15 ms step taking
/// hundreds) would otherwise multiply every prediction for the next dozen steps and refuse requests that then start
/// in 60 ms. A real slowdown still comes through, over a few steps instead of one.
/// </summary>
internal sealed class StepCostModel
{
    private const int BucketCount = 16; // 1 .. 32768 tokens
    private const double ShapeSmoothing = 0.05;
    private const double SpeedSmoothing = 0.25;
    private const double OutlierLimit = 2;
    private const int FirstSamples = 4;

    private readonly double[] _seconds = new double[BucketCount];
    private readonly double[] _tokens = new double[BucketCount];
    private readonly int[] _samples = new int[BucketCount];
    private readonly Lock _lock = new();
    private double _speed = 1;

    public bool HasData { get; private set; }

    public void Record(int tokens, double seconds)
    {
        if (tokens <= 0 || !(seconds > 0))
        {
            return;
        }

        var bucket = BucketOf(tokens);
        lock (_lock)
        {
            // A size seen before tells how fast the machine is now; a new size only extends the shape. A size's first
            // few samples set its shape by their minimum: a stall only ever adds time, and a size first met during one
            // (in the warm-up, while the JIT recompiles in the background, some sizes are met only once or twice) would
            // otherwise stay inflated for hundreds of steps at the slow smoothing, and admission would refuse requests
            // it could serve.
            var normalized = seconds / _speed;
            if (_samples[bucket] < FirstSamples)
            {
                if (_samples[bucket] == 0 || normalized < _seconds[bucket])
                {
                    _tokens[bucket] = tokens;
                    _seconds[bucket] = normalized;
                }
            }
            else
            {
                var ratio = Math.Clamp(seconds / Shape(tokens), _speed / OutlierLimit, _speed * OutlierLimit);
                _speed += SpeedSmoothing * (ratio - _speed);
                normalized = Math.Clamp(seconds / _speed, _seconds[bucket] / OutlierLimit, _seconds[bucket] * OutlierLimit);
                _tokens[bucket] += ShapeSmoothing * (tokens - _tokens[bucket]);
                _seconds[bucket] += ShapeSmoothing * (normalized - _seconds[bucket]);
            }

            _samples[bucket]++;
            HasData = true;
        }
    }

    /// <summary>Predicted seconds of one step carrying <paramref name="tokens"/> tokens; 0 without any measurement.</summary>
    public double StepSeconds(int tokens)
    {
        lock (_lock)
        {
            return HasData ? _speed * Shape(Math.Max(tokens, 1)) : 0;
        }
    }

    private double Shape(int tokens)
    {
        int below = -1, above = -1;
        for (var b = 0; b < BucketCount; b++)
        {
            if (_tokens[b] == 0)
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

    private static int BucketOf(int tokens) => Math.Min(31 - int.LeadingZeroCount(tokens), BucketCount - 1);
}

using System.Diagnostics;

namespace Gateway.Serving.Diagnostics;

/// <summary>
/// The last steps' token counts and durations, written by the scheduler loop and read by submitting threads to estimate
/// drain rate and time to first token. A fixed ring: constant memory however long the process runs.
/// </summary>
internal sealed class ThroughputWindow
{
    private const int Capacity = 256;

    private readonly StepSample[] _samples = new StepSample[Capacity];
    private readonly long _windowTicks;
    private readonly Lock _lock = new();
    private int _next;
    private int _count;

    public ThroughputWindow(TimeSpan window)
    {
        _windowTicks = (long)(window.TotalSeconds * Stopwatch.Frequency);
    }

    public void Record(long endTimestamp, long durationTicks, int prefillTokens, int decodeTokens)
    {
        lock (_lock)
        {
            _samples[_next] = new StepSample(endTimestamp, durationTicks, prefillTokens, decodeTokens);
            _next = (_next + 1) % Capacity;
            _count = Math.Min(_count + 1, Capacity);
        }
    }

    public ThroughputEstimate Estimate(long nowTimestamp)
    {
        lock (_lock)
        {
            long tokens = 0, prefillTokens = 0, stepTicks = 0, oldestStart = long.MaxValue;
            var steps = 0;
            for (var i = 0; i < _count; i++)
            {
                var s = _samples[(_next - 1 - i + Capacity) % Capacity];
                if (nowTimestamp - s.EndTimestamp > _windowTicks)
                {
                    break; // samples are stored in time order: everything older is outside the window too
                }

                steps++;
                tokens += s.PrefillTokens + s.DecodeTokens;
                stepTicks += s.DurationTicks;
                oldestStart = Math.Min(oldestStart, s.EndTimestamp - s.DurationTicks);
                if (s.PrefillTokens > 0)
                {
                    prefillTokens += s.PrefillTokens;
                }
            }

            if (steps == 0)
            {
                return ThroughputEstimate.None;
            }

            var elapsed = Math.Max(nowTimestamp - oldestStart, 1) / (double)Stopwatch.Frequency;
            // Tokens per engine-second over every step, not just prefill-bearing ones: a step that carries one
            // recomputed prompt token beside many decodes would otherwise make prefill look absurdly slow and the
            // SLO admission refuse everything (prompt tokens cost no more than decode tokens in a forward pass).
            var prefillRate = prefillTokens == 0 ? 0 : tokens / (stepTicks / (double)Stopwatch.Frequency);
            var meanStep = stepTicks / (double)steps / Stopwatch.Frequency;
            return new ThroughputEstimate(true, tokens / elapsed, prefillRate, meanStep);
        }
    }

    private readonly record struct StepSample(long EndTimestamp, long DurationTicks, int PrefillTokens, int DecodeTokens);
}

using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Gateway.Sampling;

/// <summary>
/// Top-p's nucleus: the fewest most probable candidates whose probabilities sum to at least top_p. Found as a
/// probability threshold instead of by sorting the candidates, because a wide nucleus (a flat distribution, or top_p
/// near 1) holds most of the vocabulary: sorting 32,000 candidates took about 450 us a draw, 16 times a step at batch 16
/// (SamplerBenchmarks).
/// </summary>
internal static class Nucleus
{
    /// <summary>Candidates sorted outright when the nucleus is known to lie among this few.</summary>
    private const int SortAtMost = 256;

    /// <summary>
    /// Moves the nucleus of the first <paramref name="count"/> candidates (probabilities summing to 1) to the front of
    /// <paramref name="ids"/> and <paramref name="probs"/> and returns its size. The threshold t is the largest
    /// probability with mass(p &gt;= t) &gt;= <paramref name="topP"/>: every candidate above t is in, and as many of
    /// those equal to t as the mass still needs, the first ones by position. If rounding leaves the whole mass short
    /// of top_p, every candidate stays.
    /// </summary>
    public static int Select(int[] ids, float[] probs, int count, float topP)
    {
        var p = probs.AsSpan(0, count);
        var max = TensorPrimitives.Max(p);

        // Coarse first: thresholds falling by 64x until they hold top_p. A peaked distribution stops at the first,
        // with a few candidates above it, which are then simply sorted.
        var high = float.PositiveInfinity;
        var low = max / 64;
        int candidates;
        while (MassAtLeast(p, low, out candidates) < topP)
        {
            if (low < 1e-30f)
            {
                return count;
            }

            high = low;
            low /= 64;
        }

        if (candidates <= SortAtMost)
        {
            return SortedPrefix(ids, probs, Compact(ids, probs, count, low, int.MaxValue), topP);
        }

        // Then exactly, by bisecting the bits between the two coarse thresholds (positive floats order as their bits):
        // about 26 vectorized passes over the candidates.
        var lowBits = BitConverter.SingleToInt32Bits(low);
        var highBits = float.IsPositiveInfinity(high) ? BitConverter.SingleToInt32Bits(max) + 1 : BitConverter.SingleToInt32Bits(high);
        while (highBits - lowBits > 1)
        {
            var mid = lowBits + ((highBits - lowBits) / 2);
            if (MassAtLeast(p, BitConverter.Int32BitsToSingle(mid)) >= topP)
            {
                lowBits = mid;
            }
            else
            {
                highBits = mid;
            }
        }

        var threshold = BitConverter.Int32BitsToSingle(lowBits);
        var massAbove = MassAtLeast(p, BitConverter.Int32BitsToSingle(lowBits + 1));
        var ties = (long)Math.Ceiling((topP - massAbove) / threshold);
        while (massAbove + (ties * (double)threshold) < topP)
        {
            ties++;
        }

        return Compact(ids, probs, count, threshold, (int)Math.Clamp(ties, 1, int.MaxValue));
    }

    /// <summary>
    /// Keeps, in order, the candidates above <paramref name="threshold"/> and the first <paramref name="ties"/> equal
    /// to it; returns how many.
    /// </summary>
    private static int Compact(int[] ids, float[] probs, int count, float threshold, int ties)
    {
        var kept = 0;
        for (var i = 0; i < count; i++)
        {
            var q = probs[i];
            if (q > threshold || (q == threshold && ties-- > 0))
            {
                ids[kept] = ids[i];
                probs[kept] = q;
                kept++;
            }
        }

        return kept;
    }

    /// <summary>The candidates sorted by probability, most probable first, cut where their running sum reaches top_p.</summary>
    private static int SortedPrefix(int[] ids, float[] probs, int count, float topP)
    {
        var p = probs.AsSpan(0, count);
        var order = ids.AsSpan(0, count);
        p.Sort(order);
        p.Reverse();
        order.Reverse();
        double sum = 0;
        for (var i = 0; i < count; i++)
        {
            sum += p[i];
            if (sum >= topP)
            {
                return i + 1;
            }
        }

        return count;
    }

    /// <summary>The sum of the probabilities at or above <paramref name="threshold"/>.</summary>
    private static double MassAtLeast(ReadOnlySpan<float> p, float threshold) => MassAtLeast(p, threshold, out _);

    /// <summary>The sum and the number of the probabilities at or above <paramref name="threshold"/>.</summary>
    private static double MassAtLeast(ReadOnlySpan<float> p, float threshold, out int count)
    {
        ref var start = ref MemoryMarshal.GetReference(p);
        var i = 0;
        double mass = 0;
        count = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var t = Vector512.Create(threshold);
            var sum = Vector512<float>.Zero;
            for (; i + 16 <= p.Length; i += 16)
            {
                var v = Vector512.LoadUnsafe(ref start, (nuint)i);
                var at = Vector512.GreaterThanOrEqual(v, t);
                sum += Vector512.ConditionalSelect(at, v, Vector512<float>.Zero);
                count += BitOperations.PopCount(at.ExtractMostSignificantBits());
            }

            mass = Vector512.Sum(sum);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var t = Vector256.Create(threshold);
            var sum = Vector256<float>.Zero;
            for (; i + 8 <= p.Length; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref start, (nuint)i);
                var at = Vector256.GreaterThanOrEqual(v, t);
                sum += Vector256.ConditionalSelect(at, v, Vector256<float>.Zero);
                count += BitOperations.PopCount(at.ExtractMostSignificantBits());
            }

            mass = Vector256.Sum(sum);
        }

        for (; i < p.Length; i++)
        {
            if (p[i] >= threshold)
            {
                mass += p[i];
                count++;
            }
        }

        return mass;
    }
}

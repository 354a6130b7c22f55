using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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

    /// <summary>Bisection passes over every candidate before those still between its bounds are set apart.</summary>
    private const int FullPasses = 6;

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
        double massAtHigh = 0;
        int candidates;
        double massAtLow;
        while ((massAtLow = MassAtLeast(p, low, out candidates)) < topP)
        {
            if (low < 1e-30f)
            {
                return count;
            }

            high = low;
            massAtHigh = massAtLow;
            low /= 64;
        }

        if (candidates <= SortAtMost)
        {
            return SortedPrefix(ids, probs, Compact(ids, probs, count, low, int.MaxValue), topP);
        }

        // Then exactly, by bisecting the bits between the two coarse thresholds (positive floats order as their bits):
        // about 26 vectorized passes, the first few over every candidate, the rest over those still between the bounds.
        var lowBits = BitConverter.SingleToInt32Bits(low);
        var highBits = float.IsPositiveInfinity(high) ? BitConverter.SingleToInt32Bits(max) + 1 : BitConverter.SingleToInt32Bits(high);
        for (var pass = 0; pass < FullPasses && highBits - lowBits > 1; pass++)
        {
            Bisect(p, 0, ref lowBits, ref highBits, ref massAtHigh, topP);
        }

        if (highBits - lowBits > 1)
        {
            // The candidates still between the bounds, apart: the rest of the passes read only them, plus the mass of
            // all those above the upper bound, which stays in whatever the window's passes decide.
            var window = ArrayPool<float>.Shared.Rent(count + 16);
            try
            {
                var inWindow = Between(p, BitConverter.Int32BitsToSingle(lowBits), BitConverter.Int32BitsToSingle(highBits), window);
                var aboveWindow = massAtHigh;
                while (highBits - lowBits > 1)
                {
                    Bisect(window.AsSpan(0, inWindow), aboveWindow, ref lowBits, ref highBits, ref massAtHigh, topP);
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(window);
            }
        }

        var threshold = BitConverter.Int32BitsToSingle(lowBits);
        var massAbove = massAtHigh;
        var ties = (long)Math.Ceiling((topP - massAbove) / threshold);
        while (massAbove + (ties * (double)threshold) < topP)
        {
            ties++;
        }

        return Compact(ids, probs, count, threshold, (int)Math.Clamp(ties, 1, int.MaxValue));
    }

    /// <summary>
    /// One bisection step: mass(p &gt;= mid) is <paramref name="counted"/> (the candidates above <paramref name="p"/>'s
    /// range) plus the sum over <paramref name="p"/>.
    /// </summary>
    private static void Bisect(ReadOnlySpan<float> p, double counted, ref int lowBits, ref int highBits, ref double massAtHigh, float topP)
    {
        var mid = lowBits + ((highBits - lowBits) / 2);
        var mass = counted + MassAtLeast(p, BitConverter.Int32BitsToSingle(mid));
        if (mass >= topP)
        {
            lowBits = mid;
        }
        else
        {
            highBits = mid;
            massAtHigh = mass;
        }
    }

    /// <summary>Copies the probabilities in [<paramref name="low"/>, <paramref name="high"/>) to <paramref name="window"/> (16 floats of slack); returns how many.</summary>
    private static int Between(ReadOnlySpan<float> p, float low, float high, float[] window)
    {
        var n = 0;
        var i = 0;
        if (Avx512F.IsSupported)
        {
            ref var start = ref MemoryMarshal.GetReference(p);
            ref var target = ref MemoryMarshal.GetArrayDataReference(window);
            var lo = Vector512.Create(low);
            var hi = Vector512.Create(high);
            for (; i + 16 <= p.Length; i += 16)
            {
                var v = Vector512.LoadUnsafe(ref start, (nuint)i);
                var inside = Vector512.GreaterThanOrEqual(v, lo) & Vector512.LessThan(v, hi);
                Avx512F.Compress(Vector512<float>.Zero, inside, v).StoreUnsafe(ref target, (nuint)n);
                n += BitOperations.PopCount(inside.ExtractMostSignificantBits());
            }
        }

        for (; i < p.Length; i++)
        {
            if (p[i] >= low && p[i] < high)
            {
                window[n++] = p[i];
            }
        }

        return n;
    }

    /// <summary>
    /// Keeps, in order, the candidates above <paramref name="threshold"/> and the first <paramref name="ties"/> equal
    /// to it; returns how many.
    /// </summary>
    private static int Compact(int[] ids, float[] probs, int count, float threshold, int ties)
    {
        var kept = 0;
        var i = 0;
        if (Avx512F.IsSupported)
        {
            // 16 at a time, moved down in place (a store ends at or below the vector just read), except a vector
            // holding ties while some are still wanted, which the scalar loop takes in order.
            ref var p = ref MemoryMarshal.GetArrayDataReference(probs);
            ref var id = ref MemoryMarshal.GetArrayDataReference(ids);
            var t = Vector512.Create(threshold);
            for (; i + 16 <= count; i += 16)
            {
                var v = Vector512.LoadUnsafe(ref p, (nuint)i);
                if (ties > 0 && Vector512.EqualsAny(v, t))
                {
                    for (var j = i; j < i + 16; j++)
                    {
                        KeepIf(ids, probs, j, threshold, ref ties, ref kept);
                    }

                    continue;
                }

                var above = Vector512.GreaterThan(v, t);
                var ranks = Vector512.LoadUnsafe(ref id, (nuint)i);
                Avx512F.Compress(Vector512<float>.Zero, above, v).StoreUnsafe(ref p, (nuint)kept);
                Avx512F.Compress(Vector512<int>.Zero, above.AsInt32(), ranks).StoreUnsafe(ref id, (nuint)kept);
                kept += BitOperations.PopCount(above.ExtractMostSignificantBits());
            }
        }

        for (; i < count; i++)
        {
            KeepIf(ids, probs, i, threshold, ref ties, ref kept);
        }

        return kept;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void KeepIf(int[] ids, float[] probs, int i, float threshold, ref int ties, ref int kept)
    {
        var q = probs[i];
        if (q > threshold || (q == threshold && ties-- > 0))
        {
            ids[kept] = ids[i];
            probs[kept] = q;
            kept++;
        }
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

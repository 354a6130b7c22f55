using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Gateway.Kernels;

/// <summary>
/// The two products of one attention head, vectorized across key positions and head dimensions instead of one
/// short dot product per (query, key) pair. Keys are read transposed (dimension-major, <c>stride</c> floats per
/// dimension) so 16 keys' scores accumulate in one register with no horizontal sums. A score and an output element
/// are each one fused multiply-add chain in a fixed order, whatever the vector width path or how many positions a
/// call covers: a query's result does not depend on which other queries share its batch.
/// </summary>
public static unsafe class AttentionOps
{
    /// <summary>Positions a transposed key row must be padded to (the widest vector step).</summary>
    public const int KeyPadding = 16;

    /// <summary>
    /// scores[p] = scale * sum_d q[d] * keysT[d * stride + p] for p &lt; <paramref name="length"/>; may write up to the
    /// next multiple of <see cref="KeyPadding"/> (stride must cover that, padding keys readable).
    /// </summary>
    public static void Scores(float* q, float* keysT, int headDim, int stride, int length, float scale, float* scores)
    {
        int p = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; p + 64 <= length; p += 64)
            {
                Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                float* k = keysT + p;
                for (int d = 0; d < headDim; d++, k += stride)
                {
                    var qd = Vector512.Create(q[d]);
                    a0 = Vector512.FusedMultiplyAdd(qd, Vector512.Load(k), a0);
                    a1 = Vector512.FusedMultiplyAdd(qd, Vector512.Load(k + 16), a1);
                    a2 = Vector512.FusedMultiplyAdd(qd, Vector512.Load(k + 32), a2);
                    a3 = Vector512.FusedMultiplyAdd(qd, Vector512.Load(k + 48), a3);
                }

                var s = Vector512.Create(scale);
                (a0 * s).Store(scores + p);
                (a1 * s).Store(scores + p + 16);
                (a2 * s).Store(scores + p + 32);
                (a3 * s).Store(scores + p + 48);
            }

            for (; p < length; p += 16)
            {
                Vector512<float> a = default;
                float* k = keysT + p;
                for (int d = 0; d < headDim; d++, k += stride)
                {
                    a = Vector512.FusedMultiplyAdd(Vector512.Create(q[d]), Vector512.Load(k), a);
                }

                (a * Vector512.Create(scale)).Store(scores + p);
            }

            return;
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; p < length; p += 8)
            {
                Vector256<float> a = default;
                float* k = keysT + p;
                for (int d = 0; d < headDim; d++, k += stride)
                {
                    a = Vector256.FusedMultiplyAdd(Vector256.Create(q[d]), Vector256.Load(k), a);
                }

                (a * Vector256.Create(scale)).Store(scores + p);
            }

            return;
        }

        for (; p < length; p++)
        {
            float a = 0;
            for (int d = 0; d < headDim; d++) a = MathF.FusedMultiplyAdd(q[d], keysT[d * stride + p], a);
            scores[p] = a * scale;
        }
    }

    /// <summary>Positions <see cref="ScoresF16"/> scores per pass for a single query (four 16-position runs).</summary>
    public const int ScoreRunPositions = 64;

    /// <summary>Most queries <see cref="ScoresGroup"/> takes at once.</summary>
    public const int MaxGroupQueries = 4;

    /// <summary>
    /// <see cref="Scores"/> for up to <see cref="MaxGroupQueries"/> queries against the same keys: query i's scores go to
    /// <c>scores + i * scoresStride</c>, each bit-identical to what <see cref="Scores"/> gives for it alone. Each key
    /// vector is loaded once for all the queries, and their independent FMA chains overlap instead of one chain
    /// waiting on its own latency — what makes a 16-position block of a prefill span cheap.
    /// </summary>
    public static void ScoresGroup(float** queries, int count, float* keysT, int headDim, int stride, int length, float scale, float* scores, int scoresStride)
    {
        if (count is < 1 or > MaxGroupQueries)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        if (!Vector512.IsHardwareAccelerated || count == 1)
        {
            for (int i = 0; i < count; i++)
            {
                Scores(queries[i], keysT, headDim, stride, length, scale, scores + ((long)i * scoresStride));
            }

            return;
        }

        // Missing queries repeat the last one; their results are computed and dropped.
        float* q0 = queries[0];
        float* q1 = queries[1];
        float* q2 = count > 2 ? queries[2] : q1;
        float* q3 = count > 3 ? queries[3] : q2;
        var s = Vector512.Create(scale);
        for (int p = 0; p < length; p += 16)
        {
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            float* k = keysT + p;
            for (int d = 0; d < headDim; d++, k += stride)
            {
                var key = Vector512.Load(k);
                a0 = Vector512.FusedMultiplyAdd(Vector512.Create(q0[d]), key, a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.Create(q1[d]), key, a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.Create(q2[d]), key, a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.Create(q3[d]), key, a3);
            }

            (a0 * s).Store(scores + p);
            (a1 * s).Store(scores + scoresStride + p);
            if (count > 2)
            {
                (a2 * s).Store(scores + (2L * scoresStride) + p);
            }

            if (count > 3)
            {
                (a3 * s).Store(scores + (3L * scoresStride) + p);
            }
        }
    }

    /// <summary>output[d] = sum_p weights[p] * values[p * rowStride + d] over p &lt; <paramref name="length"/>, in order of p.</summary>
    public static void WeightedSum(float* weights, float* values, int headDim, int rowStride, int length, float* output)
    {
        int d = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; d + 64 <= headDim; d += 64)
            {
                Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                float* v = values + d;
                for (int p = 0; p < length; p++, v += rowStride)
                {
                    var w = Vector512.Create(weights[p]);
                    a0 = Vector512.FusedMultiplyAdd(w, Vector512.Load(v), a0);
                    a1 = Vector512.FusedMultiplyAdd(w, Vector512.Load(v + 16), a1);
                    a2 = Vector512.FusedMultiplyAdd(w, Vector512.Load(v + 32), a2);
                    a3 = Vector512.FusedMultiplyAdd(w, Vector512.Load(v + 48), a3);
                }

                a0.Store(output + d);
                a1.Store(output + d + 16);
                a2.Store(output + d + 32);
                a3.Store(output + d + 48);
            }

            for (; d + 16 <= headDim; d += 16)
            {
                Vector512<float> a = default;
                float* v = values + d;
                for (int p = 0; p < length; p++, v += rowStride) a = Vector512.FusedMultiplyAdd(Vector512.Create(weights[p]), Vector512.Load(v), a);
                a.Store(output + d);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; d + 8 <= headDim; d += 8)
            {
                Vector256<float> a = default;
                float* v = values + d;
                for (int p = 0; p < length; p++, v += rowStride) a = Vector256.FusedMultiplyAdd(Vector256.Create(weights[p]), Vector256.Load(v), a);
                a.Store(output + d);
            }
        }

        for (; d < headDim; d++)
        {
            output[d] = ScalarColumn(weights, values + d, rowStride, length);
        }
    }

    /// <summary>
    /// Whether <see cref="ScoresF16"/> and <see cref="WeightedSumF16"/> run here: they widen fp16 in registers with
    /// AVX-512 (<see cref="VectorOps.HalfToSingle"/>); elsewhere attention widens the cache into scratch first.
    /// </summary>
    public static bool ReadsF16Directly => Avx512F.IsSupported;

    /// <summary>
    /// <see cref="ScoresGroup"/> for one token's queries read straight from the paged fp16 key cache, without widening
    /// it into scratch first: a decode step reads each cached key once, so widening it in registers saves a store and a
    /// reload of every element. Position p lies in <c>keyBlocks[p / blockSize] + headOffset</c>, a block of
    /// dimension-major rows of <paramref name="blockSize"/> halves (a multiple of 16). Every score is the same fused
    /// multiply-add chain over the dimensions as in <see cref="Scores"/>, bit for bit; with a single query, four
    /// 16-position runs are scored at once so their chains overlap. May write up to the next multiple of 16 positions,
    /// and reads key rows only in the blocks that hold positions below <paramref name="length"/>. With
    /// <paramref name="cacheIsFinite"/> (the caller knows no Inf or NaN was ever stored) the keys are widened by
    /// <see cref="VectorOps.FiniteHalfToSingle"/>, three operations fewer per 16 keys and the same bits for finite halves.
    /// </summary>
    public static void ScoresF16(
        float** queries, int count, ushort** keyBlocks, nint headOffset, int blockSize, int headDim, int length, float scale, float* scores, int scoresStride,
        bool cacheIsFinite = false)
    {
        if (count is < 1 or > MaxGroupQueries || blockSize % 16 != 0 || !ReadsF16Directly)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        if (cacheIsFinite)
        {
            ScoresF16<FiniteHalves>(queries, count, keyBlocks, headOffset, blockSize, headDim, length, scale, scores, scoresStride);
        }
        else
        {
            ScoresF16<AnyHalves>(queries, count, keyBlocks, headOffset, blockSize, headDim, length, scale, scores, scoresStride);
        }
    }

    private static void ScoresF16<TWiden>(float** queries, int count, ushort** keyBlocks, nint headOffset, int blockSize, int headDim, int length, float scale, float* scores, int scoresStride)
        where TWiden : struct, IHalfWidening
    {

        var s = Vector512.Create(scale);
        int p = 0;
        if (count == 1)
        {
            // Up to four 16-position runs at once, so their chains overlap; a short history's last pass takes only
            // the runs it has (widening the fp16 keys, not the chains' latency, bounds a full pass).
            float* q = queries[0];
            for (; p < length; p += ScoreRunPositions)
            {
                int runs = Math.Min(4, (length - p + 15) / 16);
                ushort* k0 = KeyRun(keyBlocks, headOffset, blockSize, p);
                ushort* k1 = runs > 1 ? KeyRun(keyBlocks, headOffset, blockSize, p + 16) : k0;
                ushort* k2 = runs > 2 ? KeyRun(keyBlocks, headOffset, blockSize, p + 32) : k1;
                ushort* k3 = runs > 3 ? KeyRun(keyBlocks, headOffset, blockSize, p + 48) : k2;
                switch (runs)
                {
                    case 1: ScoreRunsF16<Tokens1, TWiden>(q, k0, k1, k2, k3, blockSize, headDim, s, scores + p); break;
                    case 2: ScoreRunsF16<Tokens2, TWiden>(q, k0, k1, k2, k3, blockSize, headDim, s, scores + p); break;
                    case 3: ScoreRunsF16<Tokens3, TWiden>(q, k0, k1, k2, k3, blockSize, headDim, s, scores + p); break;
                    default: ScoreRunsF16<Tokens4, TWiden>(q, k0, k1, k2, k3, blockSize, headDim, s, scores + p); break;
                }
            }

            return;
        }

        // Missing queries repeat the last one; their results are computed and dropped.
        float* q0 = queries[0];
        float* q1 = count > 1 ? queries[1] : q0;
        float* q2 = count > 2 ? queries[2] : q1;
        float* q3 = count > 3 ? queries[3] : q2;
        for (; p < length; p += 16)
        {
            ushort* k = KeyRun(keyBlocks, headOffset, blockSize, p);
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (nint d = 0, o = 0; d < headDim; d++, o += blockSize)
            {
                var key = TWiden.Widen(Vector256.Load(k + o));
                a0 = Vector512.FusedMultiplyAdd(Vector512.Create(q0[d]), key, a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.Create(q1[d]), key, a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.Create(q2[d]), key, a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.Create(q3[d]), key, a3);
            }

            (a0 * s).Store(scores + p);
            if (count > 1)
            {
                (a1 * s).Store(scores + scoresStride + p);
            }

            if (count > 2)
            {
                (a2 * s).Store(scores + (2L * scoresStride) + p);
            }

            if (count > 3)
            {
                (a3 * s).Store(scores + (3L * scoresStride) + p);
            }
        }
    }

    /// <summary>
    /// One query's scores for <typeparamref name="TRuns"/> runs of 16 positions (dimension 0 of run i at k_i): each a
    /// fused multiply-add chain over the dimensions, then the scale, as in <see cref="Scores"/>. The token-count types
    /// stand for the run count, so each count compiles without the runs it does not have.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ScoreRunsF16<TRuns, TWiden>(float* q, ushort* k0, ushort* k1, ushort* k2, ushort* k3, int blockSize, int headDim, Vector512<float> scale, float* scores)
        where TRuns : struct, ITokenCount
        where TWiden : struct, IHalfWidening
    {
        int runs = TRuns.Value;
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        for (nint d = 0, o = 0; d < headDim; d++, o += blockSize)
        {
            var qd = Vector512.Create(q[d]);
            a0 = Vector512.FusedMultiplyAdd(qd, TWiden.Widen(Vector256.Load(k0 + o)), a0);
            if (runs > 1) a1 = Vector512.FusedMultiplyAdd(qd, TWiden.Widen(Vector256.Load(k1 + o)), a1);
            if (runs > 2) a2 = Vector512.FusedMultiplyAdd(qd, TWiden.Widen(Vector256.Load(k2 + o)), a2);
            if (runs > 3) a3 = Vector512.FusedMultiplyAdd(qd, TWiden.Widen(Vector256.Load(k3 + o)), a3);
        }

        (a0 * scale).Store(scores);
        if (runs > 1) (a1 * scale).Store(scores + 16);
        if (runs > 2) (a2 * scale).Store(scores + 32);
        if (runs > 3) (a3 * scale).Store(scores + 48);
    }

    /// <summary>
    /// <see cref="WeightedSum"/> for up to <see cref="MaxGroupQueries"/> weight rows over the same positions, read
    /// straight from the paged fp16 value cache: position p's row is <c>valueBlocks[p / blockSize] + headOffset +
    /// (p % blockSize) * rowStride</c>, any block size. Each value vector is widened once for all the rows, and each output element is
    /// the same chain over p, in order, as <see cref="WeightedSum"/> gives. With <paramref name="accumulate"/> the
    /// chains continue from the values already in the outputs, so a history summed a few blocks per call (weights
    /// and blocks advanced together) gives the same bits as one call over all of it. <paramref name="cacheIsFinite"/> as
    /// in <see cref="ScoresF16"/>.
    /// </summary>
    public static void WeightedSumF16(
        float** weights, int count, ushort** valueBlocks, nint headOffset, int blockSize, int rowStride, int headDim, int length, float** outputs, bool accumulate = false,
        bool cacheIsFinite = false)
    {
        if (count is < 1 or > MaxGroupQueries || headDim % 16 != 0 || !ReadsF16Directly)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        if (cacheIsFinite)
        {
            WeightedSumF16<FiniteHalves>(weights, count, valueBlocks, headOffset, blockSize, rowStride, headDim, length, outputs, accumulate);
        }
        else
        {
            WeightedSumF16<AnyHalves>(weights, count, valueBlocks, headOffset, blockSize, rowStride, headDim, length, outputs, accumulate);
        }
    }

    private static void WeightedSumF16<TWiden>(
        float** weights, int count, ushort** valueBlocks, nint headOffset, int blockSize, int rowStride, int headDim, int length, float** outputs, bool accumulate)
        where TWiden : struct, IHalfWidening
    {

        int d = 0;
        if (count == 1)
        {
            // One weight row: four independent chains across the head's dimensions keep the FMAs busy.
            float* w = weights[0];
            for (; d + 64 <= headDim; d += 64)
            {
                Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                if (accumulate)
                {
                    a0 = Vector512.Load(outputs[0] + d);
                    a1 = Vector512.Load(outputs[0] + d + 16);
                    a2 = Vector512.Load(outputs[0] + d + 32);
                    a3 = Vector512.Load(outputs[0] + d + 48);
                }

                for (int p0 = 0; p0 < length; p0 += blockSize)
                {
                    ushort* v = valueBlocks[p0 / blockSize] + headOffset + d;
                    for (int p = p0, end = Math.Min(length, p0 + blockSize); p < end; p++, v += rowStride)
                    {
                        var wp = Vector512.Create(w[p]);
                        a0 = Vector512.FusedMultiplyAdd(wp, TWiden.Widen(Vector256.Load(v)), a0);
                        a1 = Vector512.FusedMultiplyAdd(wp, TWiden.Widen(Vector256.Load(v + 16)), a1);
                        a2 = Vector512.FusedMultiplyAdd(wp, TWiden.Widen(Vector256.Load(v + 32)), a2);
                        a3 = Vector512.FusedMultiplyAdd(wp, TWiden.Widen(Vector256.Load(v + 48)), a3);
                    }
                }

                a0.Store(outputs[0] + d);
                a1.Store(outputs[0] + d + 16);
                a2.Store(outputs[0] + d + 32);
                a3.Store(outputs[0] + d + 48);
            }
        }

        float* w0 = weights[0];
        float* w1 = count > 1 ? weights[1] : w0;
        float* w2 = count > 2 ? weights[2] : w1;
        float* w3 = count > 3 ? weights[3] : w2;
        for (; d < headDim; d += 16)
        {
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            if (accumulate)
            {
                a0 = Vector512.Load(outputs[0] + d);
                a1 = count > 1 ? Vector512.Load(outputs[1] + d) : default;
                a2 = count > 2 ? Vector512.Load(outputs[2] + d) : default;
                a3 = count > 3 ? Vector512.Load(outputs[3] + d) : default;
            }

            for (int p0 = 0; p0 < length; p0 += blockSize)
            {
                ushort* row = valueBlocks[p0 / blockSize] + headOffset + d;
                for (int p = p0, end = Math.Min(length, p0 + blockSize); p < end; p++, row += rowStride)
                {
                    var v = TWiden.Widen(Vector256.Load(row));
                    a0 = Vector512.FusedMultiplyAdd(Vector512.Create(w0[p]), v, a0);
                    a1 = Vector512.FusedMultiplyAdd(Vector512.Create(w1[p]), v, a1);
                    a2 = Vector512.FusedMultiplyAdd(Vector512.Create(w2[p]), v, a2);
                    a3 = Vector512.FusedMultiplyAdd(Vector512.Create(w3[p]), v, a3);
                }
            }

            a0.Store(outputs[0] + d);
            if (count > 1)
            {
                a1.Store(outputs[1] + d);
            }

            if (count > 2)
            {
                a2.Store(outputs[2] + d);
            }

            if (count > 3)
            {
                a3.Store(outputs[3] + d);
            }
        }
    }

    /// <summary>Dimension 0 of the 16 key positions from <paramref name="p"/> (16-aligned) in the paged key blocks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ushort* KeyRun(ushort** blocks, nint headOffset, int blockSize, int p) =>
        blocks[p / blockSize] + headOffset + (p % blockSize);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ScalarColumn(float* weights, float* column, int stride, int length)
    {
        float a = 0;
        for (int p = 0; p < length; p++) a = MathF.FusedMultiplyAdd(weights[p], column[p * stride], a);
        return a;
    }
}

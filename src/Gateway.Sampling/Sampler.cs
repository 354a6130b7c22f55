using System.Buffers;
using System.Numerics.Tensors;
using Gateway.Inference;

namespace Gateway.Sampling;

/// <summary>
/// Picks tokens for one sequence: penalties, then greedy or temperature + top-k / top-p / min-p sampling, from a seeded
/// generator. Keeps the per-sequence state the penalties need. One instance per sequence; not thread-safe.
/// </summary>
public sealed class Sampler
{
    private const int MaxTopLogprobs = 20;

    // Written once per vocabulary size, read by every sampler; a racing writer publishes the same values.
    private static int[] _identity = [];

    private readonly SamplingParams _params;
    private readonly int _vocabSize;
    private readonly HashSet<int> _seen;
    private readonly Dictionary<int, int> _generatedCounts = [];
    private SplitMix64 _rng;

    public Sampler(SamplingParams parameters, int vocabSize, ReadOnlySpan<int> promptTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(vocabSize, 0);
        _params = parameters;
        _vocabSize = vocabSize;
        _rng = new SplitMix64(parameters.Seed ?? (ulong)Random.Shared.NextInt64());
        _seen = parameters.RepetitionPenalty != 1 ? [.. promptTokens.ToArray()] : [];
    }

    public int GeneratedCount { get; private set; }

    /// <summary>Transforms <paramref name="logits"/> in place, chooses a token and records it for later penalties.</summary>
    public SampledToken Sample(Span<float> logits)
    {
        logits = logits[.._vocabSize];
        var wantLogprobs = _params.Logprobs || _params.TopLogprobs > 0;
        TokenLogprob[]? top = null;
        var logSumExp = 0f;
        if (wantLogprobs)
        {
            // Reported log-probabilities describe the model, not our sampling filters, as OpenAI's do.
            logSumExp = LogSumExp(logits);
            if (_params.TopLogprobs > 0)
            {
                top = TopCandidates(logits, Math.Min(_params.TopLogprobs, MaxTopLogprobs), logSumExp);
            }
        }

        var rawLogits = wantLogprobs ? ArrayPool<float>.Shared.Rent(logits.Length) : null;
        try
        {
            if (rawLogits is not null)
            {
                logits.CopyTo(rawLogits);
            }

            ApplyPenalties(logits);
            var chosen = _params.Temperature <= 0 ? TensorPrimitives.IndexOfMax(logits) : SampleFromDistribution(logits);
            Accept(chosen);
            var logprob = rawLogits is null ? 0f : rawLogits[chosen] - logSumExp;
            return new SampledToken(chosen, logprob, top);
        }
        finally
        {
            if (rawLogits is not null)
            {
                ArrayPool<float>.Shared.Return(rawLogits);
            }
        }
    }

    private void ApplyPenalties(Span<float> logits)
    {
        var repetition = _params.RepetitionPenalty;
        if (repetition != 1 && repetition > 0)
        {
            foreach (var id in _seen)
            {
                if ((uint)id < (uint)logits.Length)
                {
                    logits[id] = logits[id] > 0 ? logits[id] / repetition : logits[id] * repetition;
                }
            }
        }

        if (_params.FrequencyPenalty != 0 || _params.PresencePenalty != 0)
        {
            foreach (var (id, count) in _generatedCounts)
            {
                logits[id] -= (_params.FrequencyPenalty * count) + _params.PresencePenalty;
            }
        }
    }

    private int SampleFromDistribution(Span<float> logits)
    {
        var n = logits.Length;
        TensorPrimitives.Multiply(logits, 1f / _params.Temperature, logits);
        var ids = ArrayPool<int>.Shared.Rent(n);
        var probs = ArrayPool<float>.Shared.Rent(n);
        try
        {
            // Work on a candidate list that only ever shrinks: top-k, then softmax, then min-p, then top-p.
            var count = n;
            Identity(n).CopyTo(ids);
            if (_params.TopK > 0 && _params.TopK < n)
            {
                count = SelectTopK(logits, ids, _params.TopK);
                for (var i = 0; i < count; i++)
                {
                    probs[i] = logits[ids[i]];
                }
            }
            else
            {
                logits.CopyTo(probs);
            }

            // The softmax over the whole vocabulary in vector form: a scalar exponential per token took about 200 us of a
            // 32,000-token draw, 16 times a step at batch 16, on the thread between two forward passes (SamplerBenchmarks).
            var candidates = probs.AsSpan(0, count);
            TensorPrimitives.Subtract(candidates, TensorPrimitives.Max(candidates), candidates);
            TensorPrimitives.Exp(candidates, candidates);
            TensorPrimitives.Multiply(candidates, 1 / TensorPrimitives.Sum(candidates), candidates);

            if (_params.MinP > 0)
            {
                count = FilterMinP(ids, probs, count, _params.MinP);
            }

            if (_params.TopP < 1)
            {
                count = Nucleus.Select(ids, probs, count, _params.TopP);
            }

            return ids[Pick(probs.AsSpan(0, count), _rng.NextDouble())];
        }
        finally
        {
            ArrayPool<int>.Shared.Return(ids);
            ArrayPool<float>.Shared.Return(probs);
        }
    }

    private static int SelectTopK(ReadOnlySpan<float> logits, int[] ids, int k)
    {
        // Quickselect: move the k largest logits to the front in O(vocab) per token, unordered (the later filters do
        // not need an order), instead of sorting the whole vocabulary on every step.
        int lo = 0, hi = logits.Length - 1;
        while (lo < hi)
        {
            var pivot = logits[ids[lo + ((hi - lo) / 2)]];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (logits[ids[i]] > pivot)
                {
                    i++;
                }

                while (logits[ids[j]] < pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (ids[i], ids[j]) = (ids[j], ids[i]);
                    i++;
                    j--;
                }
            }

            if (k - 1 <= j)
            {
                hi = j;
            }
            else if (k - 1 >= i)
            {
                lo = i;
            }
            else
            {
                break;
            }
        }

        return k;
    }

    private static int FilterMinP(int[] ids, float[] probs, int count, float minP)
    {
        var max = 0f;
        for (var i = 0; i < count; i++)
        {
            max = MathF.Max(max, probs[i]);
        }

        var threshold = max * minP;
        var kept = 0;
        for (var i = 0; i < count; i++)
        {
            if (probs[i] >= threshold)
            {
                ids[kept] = ids[i];
                probs[kept] = probs[i];
                kept++;
            }
        }

        return kept;
    }

    /// <summary>
    /// The index where the running sum of <paramref name="weights"/> first passes <paramref name="fraction"/> of their
    /// total: whole runs of 64 are skipped by their vector sums, only the run that holds the point is walked.
    /// </summary>
    private static int Pick(ReadOnlySpan<float> weights, double fraction)
    {
        const int Run = 64;
        var target = fraction * TensorPrimitives.Sum(weights);
        double acc = 0;
        var i = 0;
        for (; i + Run <= weights.Length; i += Run)
        {
            var run = TensorPrimitives.Sum(weights.Slice(i, Run));
            if (acc + run > target)
            {
                break;
            }

            acc += run;
        }

        for (; i < weights.Length; i++)
        {
            acc += weights[i];
            if (acc > target)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }

    /// <summary>0, 1, ..., n - 1, shared: copied into each sample's candidate list instead of written one id at a time.</summary>
    private static ReadOnlySpan<int> Identity(int n)
    {
        var identity = Volatile.Read(ref _identity);
        if (identity.Length < n)
        {
            identity = new int[n];
            for (var i = 0; i < n; i++)
            {
                identity[i] = i;
            }

            Volatile.Write(ref _identity, identity);
        }

        return identity.AsSpan(0, n);
    }

    private static float LogSumExp(ReadOnlySpan<float> logits)
    {
        var max = TensorPrimitives.Max(logits);
        var shifted = ArrayPool<float>.Shared.Rent(logits.Length);
        try
        {
            var span = shifted.AsSpan(0, logits.Length);
            TensorPrimitives.Subtract(logits, max, span);
            TensorPrimitives.Exp(span, span);
            return max + MathF.Log(TensorPrimitives.Sum(span));
        }
        finally
        {
            ArrayPool<float>.Shared.Return(shifted);
        }
    }

    private static TokenLogprob[] TopCandidates(ReadOnlySpan<float> logits, int n, float logSumExp)
    {
        // n is at most 20: a running insertion into a tiny sorted array beats sorting the vocabulary.
        var top = new TokenLogprob[n];
        var filled = 0;
        for (var id = 0; id < logits.Length; id++)
        {
            var l = logits[id];
            if (filled == n && l <= top[n - 1].Logprob)
            {
                continue;
            }

            var pos = filled < n ? filled++ : n - 1;
            while (pos > 0 && top[pos - 1].Logprob < l)
            {
                top[pos] = top[pos - 1];
                pos--;
            }

            top[pos] = new TokenLogprob(id, l);
        }

        for (var i = 0; i < n; i++)
        {
            top[i] = top[i] with { Logprob = top[i].Logprob - logSumExp };
        }

        return top;
    }

    private void Accept(int token)
    {
        GeneratedCount++;
        _generatedCounts[token] = _generatedCounts.GetValueOrDefault(token) + 1;
        if (_params.RepetitionPenalty != 1)
        {
            _seen.Add(token);
        }
    }
}

using Gateway.Inference;

namespace Gateway.Sampling.Tests;

public sealed class SamplerTests
{
    private static float[] Logits() => [1f, 3f, 2f, 0.5f, 2.9f, -1f];

    [Fact]
    public void Greedy_picks_the_argmax()
    {
        var sampler = new Sampler(SamplingParams.Greedy, 6, []);
        Assert.Equal(1, sampler.Sample(Logits()).Id);
    }

    [Fact]
    public void Same_seed_same_sequence_different_seed_different_sequence()
    {
        static int[] Run(ulong seed)
        {
            var sampler = new Sampler(new SamplingParams { Temperature = 1.5f, Seed = seed }, 6, []);
            return Enumerable.Range(0, 200).Select(_ => sampler.Sample(Logits()).Id).ToArray();
        }

        Assert.Equal(Run(7), Run(7));
        Assert.NotEqual(Run(7), Run(8));
    }

    [Fact]
    public void Top_k_one_is_greedy_whatever_the_temperature()
    {
        var sampler = new Sampler(new SamplingParams { Temperature = 2f, TopK = 1, Seed = 3 }, 6, []);
        Assert.All(Enumerable.Range(0, 100), _ => Assert.Equal(1, sampler.Sample(Logits()).Id));
    }

    [Fact]
    public void Top_k_two_never_leaves_the_two_best()
    {
        var sampler = new Sampler(new SamplingParams { Temperature = 5f, TopK = 2, Seed = 3 }, 6, []);
        var seen = Enumerable.Range(0, 300).Select(_ => sampler.Sample(Logits()).Id).ToHashSet();
        Assert.Equal([1, 4], seen.Order());
    }

    [Fact]
    public void Top_p_keeps_only_the_nucleus()
    {
        // Probabilities at T=1: token 1 and 4 hold ~0.66 of the mass together; top_p 0.6 must keep exactly those two.
        var sampler = new Sampler(new SamplingParams { TopP = 0.6f, Seed = 11 }, 6, []);
        var seen = Enumerable.Range(0, 500).Select(_ => sampler.Sample(Logits()).Id).ToHashSet();
        Assert.Equal([1, 4], seen.Order());
    }

    [Fact]
    public void Min_p_drops_unlikely_tokens()
    {
        var sampler = new Sampler(new SamplingParams { MinP = 0.5f, Seed = 5 }, 6, []);
        var seen = Enumerable.Range(0, 500).Select(_ => sampler.Sample(Logits()).Id).ToHashSet();
        // p(2)/p(1) = e^-1 ~ 0.37 < 0.5 is dropped; p(4)/p(1) = e^-0.1 stays.
        Assert.Equal([1, 4], seen.Order());
    }

    [Fact]
    public void Frequency_penalty_moves_greedy_off_a_repeated_token()
    {
        var sampler = new Sampler(new SamplingParams { Temperature = 0, FrequencyPenalty = 0.2f }, 6, []);
        Assert.Equal(1, sampler.Sample(Logits()).Id);
        Assert.Equal(4, sampler.Sample(Logits()).Id); // 3 - 0.2 < 2.9
    }

    [Fact]
    public void Repetition_penalty_covers_prompt_tokens()
    {
        var sampler = new Sampler(new SamplingParams { Temperature = 0, RepetitionPenalty = 1.5f }, 6, [1]);
        Assert.Equal(4, sampler.Sample(Logits()).Id); // 3 / 1.5 = 2 < 2.9
    }

    [Fact]
    public void Logprobs_describe_the_raw_distribution()
    {
        var sampler = new Sampler(new SamplingParams { Temperature = 0, Logprobs = true, TopLogprobs = 2, FrequencyPenalty = 1 }, 6, []);
        var token = sampler.Sample(Logits());
        var logits = Logits();
        var lse = MathF.Log(logits.Sum(MathF.Exp));
        Assert.Equal(3f - lse, token.Logprob, 4);
        Assert.Equal([1, 4], token.TopLogprobs!.Select(t => t.Id));
        Assert.True(token.TopLogprobs![0].Logprob >= token.TopLogprobs[1].Logprob);
    }

    [Theory]
    [InlineData(0)] // the whole vocabulary
    [InlineData(40)] // top-k candidates, gathered out of order
    public void Draws_over_a_large_vocabulary_follow_the_softmax(int topK)
    {
        // Three live tokens in a 32,000-token vocabulary: one in the first run of 64, one deep inside, one in the tail
        // past the last whole run, so the draw both skips runs by their sums and walks the one that holds the point.
        const int vocab = 32_000;
        int[] live = [10, 20_000, 31_999];
        float[] weights = [0.5f, 0.3f, 0.2f];
        var sampler = new Sampler(new SamplingParams { Temperature = 1, TopK = topK, Seed = 11 }, vocab, []);
        var counts = new Dictionary<int, int>();
        const int draws = 20_000;
        var logits = new float[vocab];
        for (var d = 0; d < draws; d++)
        {
            Array.Fill(logits, -1e4f); // the sampler works in place
            for (var i = 0; i < live.Length; i++)
            {
                logits[live[i]] = MathF.Log(weights[i]);
            }

            var id = sampler.Sample(logits).Id;
            counts[id] = counts.GetValueOrDefault(id) + 1;
        }

        Assert.Equal(live, counts.Keys.Order());
        for (var i = 0; i < live.Length; i++)
        {
            // 20,000 draws: a standard deviation of at most 0.0035 in each share.
            Assert.InRange(counts[live[i]] / (double)draws, weights[i] - 0.02, weights[i] + 0.02);
        }
    }

    [Fact]
    public void Logprobs_over_a_large_vocabulary_are_the_log_softmax()
    {
        const int vocab = 32_000;
        var logits = Enumerable.Range(0, vocab).Select(i => (float)Math.Sin(i * 0.37) * 4).ToArray();
        var expected = Math.Log(logits.Sum(l => Math.Exp(l - logits.Max()))) + logits.Max();
        var sampler = new Sampler(new SamplingParams { Temperature = 0, Logprobs = true }, vocab, []);
        var token = sampler.Sample((float[])logits.Clone());
        Assert.Equal(logits[token.Id] - expected, token.Logprob, 3);
    }
}

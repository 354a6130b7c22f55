using Gateway.Inference;
using Gateway.Sampling;

namespace Gateway.Sampling.Tests;

public class NucleusTests
{
    public static TheoryData<string, int, float> Distributions => new()
    {
        { "peaked", 32_000, 0.9f },
        { "peaked", 32_000, 0.99f },
        { "spread", 32_000, 0.5f },
        { "spread", 32_000, 0.95f },
        { "flat", 32_000, 0.95f },
        { "flat", 32_000, 0.999f },
        { "spread", 300, 0.8f },
        { "flat", 40, 0.7f },
    };

    [Theory]
    [MemberData(nameof(Distributions))]
    public void The_nucleus_is_the_shortest_prefix_of_the_sorted_candidates_that_holds_top_p(string shape, int count, float topP)
    {
        var probs = Distribution(shape, count, seed: count + (int)(topP * 1000));
        var ids = Enumerable.Range(0, count).ToArray();
        var work = (float[])probs.Clone();

        var kept = Nucleus.Select(ids, work, count, topP);

        // Kept entries carry their own probabilities, each candidate at most once.
        Assert.Equal(kept, ids.Take(kept).Distinct().Count());
        Assert.All(Enumerable.Range(0, kept), i => Assert.Equal(probs[ids[i]], work[i]));

        // Nothing dropped is more probable than anything kept.
        var keptSet = ids.Take(kept).ToHashSet();
        var smallestKept = ids.Take(kept).Min(id => probs[id]);
        var largestDropped = Enumerable.Range(0, count).Where(id => !keptSet.Contains(id)).Select(id => probs[id]).DefaultIfEmpty(0).Max();
        Assert.True(largestDropped <= smallestKept, $"dropped {largestDropped} > kept {smallestKept}");

        // The kept mass reaches top_p, and without its least probable member it would not (up to float rounding).
        var mass = ids.Take(kept).Sum(id => (double)probs[id]);
        Assert.True(mass >= topP - 1e-5, $"kept mass {mass} < top_p {topP}");
        Assert.True(mass - smallestKept < topP + 1e-5, $"kept mass {mass} holds more than it needs");
    }

    [Fact]
    public void Ties_at_the_threshold_are_taken_by_position_until_the_mass_is_reached()
    {
        // 1,000 equal candidates: top_p 0.55 needs 550 of them, too many to sort, so the threshold path decides.
        const int count = 1_000;
        var probs = Enumerable.Repeat(1f / count, count).ToArray();
        var ids = Enumerable.Range(0, count).ToArray();

        var kept = Nucleus.Select(ids, probs, count, 0.55f);

        Assert.Equal(550, kept);
        Assert.Equal(Enumerable.Range(0, 550), ids.Take(kept));
    }

    [Fact]
    public void A_few_equal_candidates_are_cut_like_the_sorted_list()
    {
        var probs = Enumerable.Repeat(0.1f, 10).ToArray();
        var ids = Enumerable.Range(0, 10).ToArray();
        Assert.Equal(6, Nucleus.Select(ids, probs, 10, 0.55f)); // 0.5 < 0.55 <= 0.6
    }

    [Fact]
    public void Draws_with_a_wide_nucleus_follow_its_renormalized_probabilities()
    {
        // A flat 32,000-token distribution with two heavier tokens: top_p 0.9 keeps about 90 % of the vocabulary,
        // wide enough that the threshold path runs, and the draw must still weigh each kept token by its probability.
        const int vocab = 32_000;
        var logits = new float[vocab];
        var random = new Random(5);
        for (var i = 0; i < vocab; i++)
        {
            logits[i] = (float)random.NextDouble();
        }

        logits[7] = MathF.Log(3_000) + 0.5f;
        logits[25_000] = MathF.Log(1_000) + 0.5f;
        var probs = Softmax(logits);
        var sorted = probs.Select((p, id) => (p, id)).OrderByDescending(x => x.p).ToArray();
        double cumulative = 0;
        var nucleus = new HashSet<int>();
        foreach (var (p, id) in sorted)
        {
            nucleus.Add(id);
            cumulative += p;
            if (cumulative >= 0.9)
            {
                break;
            }
        }

        var sampler = new Sampler(new SamplingParams { Temperature = 1, TopP = 0.9f, Seed = 21 }, vocab, []);
        const int draws = 20_000;
        var counts = new Dictionary<int, int>();
        for (var d = 0; d < draws; d++)
        {
            var id = sampler.Sample((float[])logits.Clone()).Id;
            counts[id] = counts.GetValueOrDefault(id) + 1;
        }

        Assert.All(counts.Keys, id => Assert.Contains(id, nucleus));
        foreach (var id in new[] { 7, 25_000 })
        {
            // About 0.10 and 0.035 of the nucleus: 20,000 draws give a standard deviation near 0.002.
            var expected = probs[id] / cumulative;
            Assert.InRange(counts.GetValueOrDefault(id) / (double)draws, expected - 0.01, expected + 0.01);
        }

        // Most of the nucleus is the flat part, spread over tens of thousands of tokens.
        Assert.True(counts.Count > 10_000, $"only {counts.Count} distinct tokens drawn");
    }

    private static float[] Distribution(string shape, int count, int seed)
    {
        var random = new Random(seed);
        var logits = new float[count];
        for (var i = 0; i < count; i++)
        {
            logits[i] = shape switch
            {
                "peaked" => (float)(random.NextDouble() * random.NextDouble() * 24) - 4,
                "spread" => (float)(random.NextDouble() * 8),
                _ => (float)(random.NextDouble() * 0.5),
            };
        }

        return Softmax(logits);
    }

    private static float[] Softmax(float[] logits)
    {
        var max = logits.Max();
        var e = logits.Select(l => Math.Exp(l - max)).ToArray();
        var sum = e.Sum();
        return e.Select(x => (float)(x / sum)).ToArray();
    }
}

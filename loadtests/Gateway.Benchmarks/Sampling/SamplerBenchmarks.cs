using BenchmarkDotNet.Attributes;
using Gateway.Inference;
using Gateway.Sampling;

namespace Gateway.Benchmarks.Sampling;

/// <summary>
/// One token drawn from a 32,000-token vocabulary (llama-134m's) per invocation, as the serving loop draws one per
/// sequence between two forward passes: at batch 16 it pays this 16 times a step on one thread. Greedy is the floor;
/// temperature 1 is what an OpenAI client gets when it sets nothing.
/// </summary>
/// <remarks>Run: dotnet run -c Release --project loadtests/Gateway.Benchmarks -- --filter *SamplerBenchmarks* --job short</remarks>
[MemoryDiagnoser]
public class SamplerBenchmarks
{
    private const int Vocabulary = 32_000;
    private float[] _logits = [];
    private float[] _work = [];
    private Sampler _sampler = null!;

    [Params("greedy", "temperature 1", "temperature 1 + logprobs", "top_k 40", "top_p 0.95", "top_p 0.95 flat")]
    public string Mode { get; set; } = "temperature 1";

    [GlobalSetup]
    public void Setup()
    {
        // A spread like a small model's: most mass on a few hundred tokens, a long tail below. "flat": every token
        // within a factor of e^2 of every other, as a random-weight model gives, where top_p's nucleus is most of the
        // vocabulary.
        var random = new Random(3);
        _logits = Mode.EndsWith("flat", StringComparison.Ordinal)
            ? Enumerable.Range(0, Vocabulary).Select(_ => (float)(random.NextDouble() * 2)).ToArray()
            : Enumerable.Range(0, Vocabulary).Select(_ => (float)(random.NextDouble() * random.NextDouble() * 16) - 4).ToArray();
        _work = new float[Vocabulary];
        var parameters = Mode switch
        {
            "greedy" => SamplingParams.Greedy,
            "temperature 1 + logprobs" => new SamplingParams { Temperature = 1, Logprobs = true, Seed = 1 },
            "top_k 40" => new SamplingParams { Temperature = 1, TopK = 40, Seed = 1 },
            "top_p 0.95" or "top_p 0.95 flat" => new SamplingParams { Temperature = 1, TopP = 0.95f, Seed = 1 },
            _ => new SamplingParams { Temperature = 1, Seed = 1 },
        };
        _sampler = new Sampler(parameters, Vocabulary, []);
    }

    [Benchmark]
    public int Draw()
    {
        // The sampler works in place, as the serving loop lets it.
        _logits.CopyTo(_work, 0);
        return _sampler.Sample(_work).Id;
    }
}

using System.Diagnostics;
using Gateway.Inference;
using Gateway.Serving;

namespace Gateway.Benchmarking;

/// <summary>
/// Measures the serving core end to end (queue, scheduler, paged KV, engine), without HTTP: aggregate decode
/// throughput at several concurrency levels, and time to first token with a long shared system prompt.
/// </summary>
internal sealed class ServingBenchmark(IGenerationService service, int seed = 99)
{
    private readonly Random _random = new(seed);

    /// <summary>Aggregate generated tokens/s with <paramref name="concurrency"/> requests in flight at once.</summary>
    public async Task<double> DecodeThroughputAsync(int concurrency, int promptTokens, int outputTokens)
    {
        var clock = Stopwatch.StartNew();
        var runs = Enumerable.Range(0, concurrency)
            .Select(_ => RunAsync(RandomTokens(promptTokens), outputTokens))
            .ToArray();
        var results = await Task.WhenAll(runs).ConfigureAwait(false);
        return results.Sum(r => r.Tokens) / clock.Elapsed.TotalSeconds;
    }

    /// <summary>TTFT of requests sharing <paramref name="prefix"/>, run one after another, after one warm-up request.</summary>
    public async Task<List<double>> TimeToFirstTokenAsync(int[] prefix, int suffixTokens, int requests)
    {
        await RunAsync([.. prefix, .. RandomTokens(suffixTokens)], 1).ConfigureAwait(false);
        var samples = new List<double>();
        for (var i = 0; i < requests; i++)
        {
            var result = await RunAsync([.. prefix, .. RandomTokens(suffixTokens)], 1).ConfigureAwait(false);
            samples.Add(result.TimeToFirstToken.TotalMilliseconds);
        }

        return samples;
    }

    public int[] RandomTokens(int count)
    {
        var tokens = new int[count];
        for (var i = 0; i < count; i++)
        {
            // Stay clear of the special tokens at the start of most vocabularies.
            tokens[i] = 300 + _random.Next(service.Model.VocabSize - 300);
        }

        return tokens;
    }

    private async Task<(int Tokens, TimeSpan TimeToFirstToken)> RunAsync(int[] prompt, int outputTokens)
    {
        var clock = Stopwatch.StartNew();
        var request = new GenerationRequest(Guid.NewGuid().ToString("N"), prompt, SamplingParams.Greedy, outputTokens, []);
        var submitted = service.Submit(request, CancellationToken.None);
        var stream = submitted.Stream ?? throw new InvalidOperationException($"benchmark request refused: {submitted.Refusal}");
        TimeSpan? first = null;
        var tokens = 0;
        await foreach (var e in stream.Events.ReadAllAsync().ConfigureAwait(false))
        {
            if (e.TokenIds.Length > 0)
            {
                first ??= clock.Elapsed;
                tokens += e.TokenIds.Length;
            }

            if (e.Error is not null)
            {
                throw new InvalidOperationException(e.Error);
            }
        }

        return (tokens, first ?? clock.Elapsed);
    }
}

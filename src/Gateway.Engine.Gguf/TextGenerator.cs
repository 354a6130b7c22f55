using Gateway.Inference;
using Gateway.Sampling;

namespace Gateway.Engine.Gguf;

/// <summary>
/// Generates one sequence directly on a runner, without the serving layer: what the CLI's generate verb, the
/// benchmarks and the model tests use. The sequence owns KV blocks 0.. of the runner's pool, so nothing else may run on
/// the same runner at the same time.
/// </summary>
public sealed class TextGenerator
{
    private readonly IModelRunner _runner;
    private readonly int[] _blockTable;
    private readonly float[] _logits;

    public TextGenerator(IModelRunner runner)
    {
        _runner = runner;
        var blocksForContext = (runner.Info.ContextLength + runner.KvCache.BlockSize - 1) / runner.KvCache.BlockSize;
        _blockTable = Enumerable.Range(0, Math.Min(blocksForContext, runner.KvCache.BlockCount)).ToArray();
        _logits = new float[runner.Info.VocabSize];
    }

    /// <summary>Most tokens (prompt + output) one sequence can hold with this runner's pool and context.</summary>
    public int Capacity => Math.Min(_runner.Info.ContextLength, _blockTable.Length * _runner.KvCache.BlockSize);

    /// <summary>
    /// Prefills <paramref name="prompt"/> in chunks, then yields generated tokens until an end-of-generation token
    /// (not yielded), <paramref name="maxTokens"/>, the capacity, or cancellation.
    /// </summary>
    public IEnumerable<SampledToken> Generate(IReadOnlyList<int> prompt, Sampler sampler, int maxTokens, CancellationToken cancellationToken = default)
    {
        if (prompt.Count == 0)
        {
            throw new ArgumentException("the prompt must hold at least one token", nameof(prompt));
        }

        if (prompt.Count >= Capacity)
        {
            throw new ArgumentException($"the prompt has {prompt.Count} tokens; this runner holds at most {Capacity - 1} plus one generated", nameof(prompt));
        }

        var tokens = prompt.ToArray();
        Prefill(tokens);
        var position = tokens.Length;
        var endIds = _runner.Tokenizer.EndOfGenerationIds;
        for (var generated = 0; generated < maxTokens && !cancellationToken.IsCancellationRequested; generated++)
        {
            var next = sampler.Sample(_logits);
            if (endIds.Contains(next.Id))
            {
                yield break;
            }

            yield return next;
            if (position >= Capacity || generated + 1 >= maxTokens)
            {
                yield break;
            }

            _runner.Forward([new SequenceChunk(new[] { next.Id }, position, _blockTable, ComputeLogits: true)], _logits);
            position++;
        }
    }

    private void Prefill(int[] tokens)
    {
        var step = _runner.MaxBatchTokens;
        for (var start = 0; start < tokens.Length; start += step)
        {
            var length = Math.Min(step, tokens.Length - start);
            var isLast = start + length == tokens.Length;
            _runner.Forward([new SequenceChunk(tokens.AsMemory(start, length), start, _blockTable, isLast)], _logits);
        }
    }
}

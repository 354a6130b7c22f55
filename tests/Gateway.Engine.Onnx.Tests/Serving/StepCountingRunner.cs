using Gateway.Inference;
using Gateway.Tokenizers;

namespace Gateway.Engine.Onnx.Tests.Serving;

/// <summary>
/// Test decorator: counts the scheduler's steps, and the first and last step each sequence took part in, so ordering
/// can be asserted in steps, never in wall time. Steps are recorded on the engine's own thread, so a test thread that
/// the machine runs late does not move them.
/// </summary>
internal sealed class StepCountingRunner(IModelRunner inner) : IModelRunner
{
    private readonly Lock _gate = new();
    private readonly List<long> _sequences = [];
    private readonly Dictionary<long, (long First, long Last)> _lifetimes = [];
    private long _steps;

    public long Steps => Interlocked.Read(ref _steps);

    /// <summary>Sequence ids in the order of the step they first took part in.</summary>
    public IReadOnlyList<long> SequencesByFirstStep()
    {
        lock (_gate)
        {
            return [.. _sequences];
        }
    }

    /// <summary>The first and last step (1-based) in which <paramref name="sequenceId"/> had a chunk.</summary>
    public (long First, long Last) Lifetime(long sequenceId)
    {
        lock (_gate)
        {
            return _lifetimes[sequenceId];
        }
    }

    public ModelInfo Info => inner.Info;

    public ITokenizer Tokenizer => inner.Tokenizer;

    public KvCacheGeometry KvCache => inner.KvCache;

    public int MaxBatchTokens => inner.MaxBatchTokens;

    public void Forward(ReadOnlySpan<SequenceChunk> chunks, Span<float> logits)
    {
        inner.Forward(chunks, logits);
        var step = Interlocked.Increment(ref _steps);
        lock (_gate)
        {
            foreach (var chunk in chunks)
            {
                if (_lifetimes.TryGetValue(chunk.SequenceId, out var life))
                {
                    _lifetimes[chunk.SequenceId] = (life.First, step);
                }
                else
                {
                    _lifetimes[chunk.SequenceId] = (step, step);
                    _sequences.Add(chunk.SequenceId);
                }
            }
        }
    }

    public void Dispose() => inner.Dispose();
}

using Gateway.Inference;
using Gateway.Tokenizers;

namespace Gateway.Engine.Onnx.Tests.Serving;

/// <summary>Test decorator: counts the scheduler's steps so ordering can be asserted in steps, never in wall time.</summary>
internal sealed class StepCountingRunner(IModelRunner inner) : IModelRunner
{
    private long _steps;

    public long Steps => Interlocked.Read(ref _steps);

    public ModelInfo Info => inner.Info;

    public ITokenizer Tokenizer => inner.Tokenizer;

    public KvCacheGeometry KvCache => inner.KvCache;

    public int MaxBatchTokens => inner.MaxBatchTokens;

    public void Forward(ReadOnlySpan<SequenceChunk> chunks, Span<float> logits)
    {
        inner.Forward(chunks, logits);
        Interlocked.Increment(ref _steps);
    }

    public void Dispose() => inner.Dispose();
}

using System.Diagnostics;

namespace Gateway.Engine.Gguf.Llama;

/// <summary>
/// Where forward-pass time goes (matmuls vs attention vs the rest), accumulated across calls when a benchmark attaches
/// one to a runner. Off by default: the hot path then pays one null check per phase.
/// </summary>
public sealed class ForwardProfile
{
    private long _matMulTicks;
    private long _attentionTicks;
    private long _otherTicks;

    public TimeSpan MatMul => Stopwatch.GetElapsedTime(0, _matMulTicks);

    public TimeSpan Attention => Stopwatch.GetElapsedTime(0, _attentionTicks);

    public TimeSpan Other => Stopwatch.GetElapsedTime(0, _otherTicks);

    public void Reset() => _matMulTicks = _attentionTicks = _otherTicks = 0;

    internal void AddMatMul(long ticks) => _matMulTicks += ticks;

    internal void AddAttention(long ticks) => _attentionTicks += ticks;

    internal void AddOther(long ticks) => _otherTicks += ticks;
}

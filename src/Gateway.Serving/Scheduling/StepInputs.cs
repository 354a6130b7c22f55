using Gateway.Inference;

namespace Gateway.Serving.Scheduling;

/// <summary>
/// Turns a step plan into the runner's input — one chunk per scheduled sequence, logits only for those whose last
/// known token is in the chunk — and counts the step's prefill and decode tokens. Buffers are reused every step.
/// </summary>
internal sealed class StepInputs
{
    private readonly SequenceChunk[] _chunks;
    private readonly float[] _logits;
    private readonly int _vocabSize;

    public StepInputs(int maxSequences, int vocabSize)
    {
        _vocabSize = vocabSize;
        _chunks = new SequenceChunk[maxSequences];
        _logits = new float[maxSequences * vocabSize];
    }

    public int MaxSequences => _chunks.Length;

    public int Count { get; private set; }

    public int LogitRows { get; private set; }

    public int PrefillTokens { get; private set; }

    public int DecodeTokens { get; private set; }

    public ReadOnlySpan<SequenceChunk> Chunks => _chunks.AsSpan(0, Count);

    /// <summary>One row of <c>vocabSize</c> logits per sequence that wants a token, in plan order.</summary>
    public Memory<float> Logits => _logits.AsMemory(0, LogitRows * _vocabSize);

    public void Build(StepPlan plan)
    {
        Count = plan.Count;
        LogitRows = 0;
        PrefillTokens = 0;
        DecodeTokens = 0;
        for (var i = 0; i < plan.Count; i++)
        {
            var (sequence, numTokens) = plan.Chunks[i];
            var computeLogits = sequence.NumComputedTokens + numTokens == sequence.TokenCount;
            LogitRows += computeLogits ? 1 : 0;
            if (numTokens == 1 && computeLogits && sequence.GeneratedCount > 0)
            {
                DecodeTokens++;
            }
            else
            {
                PrefillTokens += numTokens;
            }

            _chunks[i] = new SequenceChunk(
                sequence.TokenRange(sequence.NumComputedTokens, numTokens),
                sequence.NumComputedTokens,
                sequence.Blocks.Table,
                computeLogits,
                sequence.SequenceId);
        }
    }

    /// <summary>Drops references to token and table memory until the next step.</summary>
    public void Clear()
    {
        Array.Clear(_chunks, 0, Count);
        Count = 0;
    }
}

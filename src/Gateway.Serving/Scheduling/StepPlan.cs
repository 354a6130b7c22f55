namespace Gateway.Serving.Scheduling;

/// <summary>
/// What one engine step runs: decode tokens of running sequences first, then prefill chunks. Reused every step, so
/// scheduling does not allocate.
/// </summary>
internal sealed class StepPlan(int maxSequences)
{
    private readonly List<ScheduledChunk> _chunks = new(maxSequences);

    public IReadOnlyList<ScheduledChunk> Chunks => _chunks;

    public int Count => _chunks.Count;

    public int TotalTokens { get; private set; }

    public void Add(SequenceState sequence, int numTokens)
    {
        _chunks.Add(new ScheduledChunk(sequence, numTokens));
        sequence.ScheduledTokens = numTokens;
        TotalTokens += numTokens;
    }

    /// <summary>Takes a preempted sequence back out of this step.</summary>
    public void Remove(SequenceState sequence)
    {
        var index = _chunks.FindIndex(c => ReferenceEquals(c.Sequence, sequence));
        if (index >= 0)
        {
            TotalTokens -= _chunks[index].NumTokens;
            _chunks.RemoveAt(index);
        }

        sequence.ScheduledTokens = 0;
    }

    public void Clear()
    {
        foreach (var chunk in _chunks)
        {
            chunk.Sequence.ScheduledTokens = 0;
        }

        _chunks.Clear();
        TotalTokens = 0;
    }
}

namespace Gateway.Tokenizers;

/// <summary>
/// The binary heap both merge loops pop candidates from, best first (see <see cref="MergePriority"/>). Hand-written
/// rather than <see cref="PriorityQueue{TElement, TPriority}"/> so the comparison inlines: a SentencePiece prompt of a
/// few thousand characters goes through tens of thousands of them.
/// </summary>
internal sealed class MergeQueue
{
    private (MergeCandidate Candidate, MergePriority Priority)[] _heap = new (MergeCandidate, MergePriority)[256];
    private int _count;

    public void Clear() => _count = 0;

    public void Enqueue(MergeCandidate candidate, MergePriority priority)
    {
        if (_count == _heap.Length)
        {
            Array.Resize(ref _heap, _heap.Length * 2);
        }

        var i = _count++;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (!Before(priority, _heap[parent].Priority))
            {
                break;
            }

            _heap[i] = _heap[parent];
            i = parent;
        }

        _heap[i] = (candidate, priority);
    }

    public bool TryDequeue(out MergeCandidate candidate)
    {
        if (_count == 0)
        {
            candidate = default;
            return false;
        }

        candidate = _heap[0].Candidate;
        var last = _heap[--_count];
        var i = 0;
        while (true)
        {
            var child = (2 * i) + 1;
            if (child >= _count)
            {
                break;
            }

            if (child + 1 < _count && Before(_heap[child + 1].Priority, _heap[child].Priority))
            {
                child++;
            }

            if (!Before(_heap[child].Priority, last.Priority))
            {
                break;
            }

            _heap[i] = _heap[child];
            i = child;
        }

        _heap[i] = last;
        return true;
    }

    /// <summary>Better goodness first; among equals, the leftmost symbol first.</summary>
    private static bool Before(MergePriority a, MergePriority b) =>
        a.Goodness > b.Goodness || (a.Goodness == b.Goodness && a.Left < b.Left);
}

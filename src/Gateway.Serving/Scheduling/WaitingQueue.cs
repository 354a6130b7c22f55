namespace Gateway.Serving.Scheduling;

/// <summary>
/// Sequences waiting for their first (or, after preemption, next) scheduling: highest priority class first, FIFO
/// within a class, preempted sequences back at the front of theirs.
/// </summary>
internal sealed class WaitingQueue
{
    // Few distinct priorities exist in practice, so a sorted list of per-class queues stays tiny.
    private readonly SortedList<int, LinkedList<SequenceState>> _classes =
        new(Comparer<int>.Create(static (a, b) => b.CompareTo(a)));

    public int Count { get; private set; }

    public void Enqueue(SequenceState sequence)
    {
        ClassOf(sequence.Priority).AddLast(sequence);
        Count++;
    }

    public void PushFront(SequenceState sequence)
    {
        ClassOf(sequence.Priority).AddFirst(sequence);
        Count++;
    }

    public SequenceState? Peek()
    {
        foreach (var queue in _classes.Values)
        {
            if (queue.First is { } node)
            {
                return node.Value;
            }
        }

        return null;
    }

    /// <summary>Removes the sequence <see cref="Peek"/> returned.</summary>
    public void RemoveHead(SequenceState head)
    {
        var queue = _classes[head.Priority];
        if (!ReferenceEquals(queue.First?.Value, head))
        {
            throw new InvalidOperationException("Only the head of the waiting queue can be dequeued.");
        }

        queue.RemoveFirst();
        Count--;
    }

    /// <summary>Removes and returns every sequence matching <paramref name="predicate"/>, into <paramref name="removed"/>.</summary>
    public void RemoveWhere(Func<SequenceState, bool> predicate, List<SequenceState> removed)
    {
        foreach (var queue in _classes.Values)
        {
            var node = queue.First;
            while (node is not null)
            {
                var next = node.Next;
                if (predicate(node.Value))
                {
                    queue.Remove(node);
                    Count--;
                    removed.Add(node.Value);
                }

                node = next;
            }
        }
    }

    private LinkedList<SequenceState> ClassOf(int priority)
    {
        if (!_classes.TryGetValue(priority, out var queue))
        {
            queue = new LinkedList<SequenceState>();
            _classes.Add(priority, queue);
        }

        return queue;
    }
}

namespace Gateway.Serving.KvCache;

/// <summary>
/// Unreferenced blocks in eviction order: the head is taken first. Blocks holding no cached prefix go to the head (they
/// are worth nothing), cached ones to the tail, so the least recently used cached prefix is the first one evicted.
/// </summary>
internal sealed class FreeBlockQueue
{
    private KvBlock? _head;
    private KvBlock? _tail;

    public int Count { get; private set; }

    public void PushHead(KvBlock block)
    {
        Link(block, previous: null, next: _head);
    }

    public void PushTail(KvBlock block)
    {
        Link(block, previous: _tail, next: null);
    }

    public KvBlock? PopHead()
    {
        var block = _head;
        if (block is not null)
        {
            Remove(block);
        }

        return block;
    }

    public void Remove(KvBlock block)
    {
        if (!block.InFreeQueue)
        {
            throw new InvalidOperationException($"Block {block.Id} is not in the free queue.");
        }

        if (block.PreviousFree is null)
        {
            _head = block.NextFree;
        }
        else
        {
            block.PreviousFree.NextFree = block.NextFree;
        }

        if (block.NextFree is null)
        {
            _tail = block.PreviousFree;
        }
        else
        {
            block.NextFree.PreviousFree = block.PreviousFree;
        }

        block.PreviousFree = null;
        block.NextFree = null;
        block.InFreeQueue = false;
        Count--;
    }

    private void Link(KvBlock block, KvBlock? previous, KvBlock? next)
    {
        if (block.InFreeQueue)
        {
            throw new InvalidOperationException($"Block {block.Id} is already in the free queue.");
        }

        block.PreviousFree = previous;
        block.NextFree = next;
        if (previous is null)
        {
            _head = block;
        }
        else
        {
            previous.NextFree = block;
        }

        if (next is null)
        {
            _tail = block;
        }
        else
        {
            next.PreviousFree = block;
        }

        block.InFreeQueue = true;
        Count++;
    }
}

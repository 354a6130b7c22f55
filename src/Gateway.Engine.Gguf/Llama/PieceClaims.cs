namespace Gateway.Engine.Gguf.Llama;

/// <summary>
/// The claims on one slice's work in flight in a token-split decode step, cut into pieces: the slice's owner takes
/// them from the front one at a time, a thread that has run out of work of its own takes half of what is left from the
/// back in one claim, so the word stays in the owner's cache while the helper works (<see cref="SharedProduct"/>,
/// <see cref="SharedAttention"/>).
/// </summary>
/// <remarks>
/// Claims are compare-and-swaps of one 64-bit word, (generation, next piece, end of the unclaimed pieces): the owner
/// writes the work's fields, then publishes a new generation. A helper reads the word, then the fields; the owner
/// rewrites them only after every piece was claimed and finished, so a helper whose claim succeeded reads the fields of
/// the generation it claimed from. The owner waits for the helper's pieces before it reads what they wrote.
/// </remarks>
internal sealed class PieceClaims
{
    // The claim word on a cache line of its own: both threads hammer it, and neither should drag the fields along.
    private readonly long[] _claims = new long[16];
    private int _done;
    private int _generation;

    /// <summary>Opens a new generation of <paramref name="pieces"/> pieces, once the work's fields are written.</summary>
    public void Publish(int pieces)
    {
        Volatile.Write(ref _done, 0);
        Volatile.Write(ref _claims[8], Pack(++_generation, 0, pieces));
    }

    /// <summary>The owner's next piece from the front; false once every piece is claimed.</summary>
    public bool TryTakeFront(out int piece)
    {
        while (true)
        {
            var state = Volatile.Read(ref _claims[8]);
            var (_, next, end) = Unpack(state);
            if (next >= end)
            {
                piece = -1;
                return false;
            }

            if (Interlocked.CompareExchange(ref _claims[8], state + 1, state) == state)
            {
                piece = next;
                return true;
            }
        }
    }

    /// <summary>A helper's run [first, end): half of the pieces still unclaimed (at least one), from the back.</summary>
    public bool TryTakeBack(out int first, out int end)
    {
        var state = Volatile.Read(ref _claims[8]);
        var (generation, next, last) = Unpack(state);
        first = end = 0;
        if (generation == 0 || next >= last)
        {
            return false;
        }

        var take = Math.Max(1, (last - next) / 2);
        if (Interlocked.CompareExchange(ref _claims[8], Pack(generation, next, last - take), state) != state)
        {
            return false;
        }

        (first, end) = (last - take, last);
        return true;
    }

    /// <summary>Counts <paramref name="pieces"/> finished, whether they succeeded or threw (nobody waits forever).</summary>
    public void Finish(int pieces) => Interlocked.Add(ref _done, pieces);

    /// <summary>Returns once all <paramref name="pieces"/> of the generation are finished, whoever took them.</summary>
    public void AwaitAll(int pieces)
    {
        var wait = default(SpinWait);
        while (Volatile.Read(ref _done) < pieces)
        {
            wait.SpinOnce(sleep1Threshold: -1);
        }
    }

    private static long Pack(int generation, int next, int end) => ((long)generation << 32) | ((long)end << 16) | (uint)next;

    private static (int Generation, int Next, int End) Unpack(long state) => ((int)(state >> 32), (int)(state & 0xFFFF), (int)((state >> 16) & 0xFFFF));
}

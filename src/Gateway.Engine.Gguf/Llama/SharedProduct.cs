using Gateway.Kernels;

namespace Gateway.Engine.Gguf.Llama;

/// <summary>
/// One token slice's matrix product in flight in a token-split decode step, cut into row pieces that its owner takes
/// from the front and that the other thread, once it has run out of work of its own, takes from the back. The two
/// cores of this VM do not run at one speed (a single-thread GEMM ran 15 % slower pinned to one than to the other), so
/// the thread on the faster core finished its layers (it then went on to its own logits) and waited up to a seventh
/// of the step for the other's last layers; taking pieces of those layers' products instead measured +1-2 % at batch
/// 16 (in-process A/B, medians of 9 and 11 rounds). Every row is computed by the same kernel over the same tokens,
/// so a piece gives the same bits whichever thread takes it.
/// </summary>
/// <remarks>
/// Claims are compare-and-swaps of one 64-bit word, (generation, next piece, end of the unclaimed pieces): the owner
/// writes the product's fields, then publishes a new generation, and takes one piece at a time; a helper takes half
/// of what is left in one claim, so the word stays in the owner's cache while the helper works. A helper reads the
/// word, then the fields; its claim succeeds only if the word has not moved since, which proves the fields belong to
/// that generation (the owner rewrites them only after every piece was claimed and finished). The owner waits for
/// the helper's pieces before the product's output is read.
/// </remarks>
internal sealed class SharedProduct
{
    /// <summary>Rows per piece: 4 groups of the packed kernels, a few microseconds of work for 8 tokens.</summary>
    public const int PieceRows = 64;

    // The claim word on a cache line of its own: both threads hammer it, and neither should drag the fields along.
    private readonly long[] _claims = new long[16];
    private int _done;
    private int _generation;
    private WeightMatrix _weights;
    private Activations? _input;
    private float[]? _output;
    private int _from;
    private int _to;

    /// <summary>
    /// y = w x for tokens [<paramref name="from"/>, <paramref name="to"/>) on the calling thread (the slice's owner),
    /// with pieces taken by a helper meanwhile; returns once every row is written.
    /// </summary>
    public void Run(in WeightMatrix w, Activations x, float[] y, int from, int to)
    {
        _weights = w;
        _input = x;
        _output = y;
        _from = from;
        _to = to;
        var pieces = (w.Rows + PieceRows - 1) / PieceRows;
        Volatile.Write(ref _done, 0);
        var generation = ++_generation;
        Volatile.Write(ref _claims[8], Pack(generation, 0, pieces));
        while (true)
        {
            // The owner takes pieces from the front, one at a time; the word stays in its cache until a helper
            // takes a run from the back.
            var state = Volatile.Read(ref _claims[8]);
            var (_, next, end) = Unpack(state);
            if (next >= end)
            {
                break;
            }

            if (Interlocked.CompareExchange(ref _claims[8], state + 1, state) == state)
            {
                Compute(next, next + 1);
            }
        }

        var wait = default(SpinWait);
        while (Volatile.Read(ref _done) < pieces)
        {
            wait.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>
    /// Takes half of the pieces still unclaimed (at least one) from the back of the product in flight and computes
    /// them; false if none was left. One claim per run keeps the owner's claims uncontended meanwhile.
    /// </summary>
    public bool TryHelp()
    {
        var state = Volatile.Read(ref _claims[8]);
        var (generation, next, end) = Unpack(state);
        if (generation == 0 || next >= end)
        {
            return false;
        }

        var take = Math.Max(1, (end - next) / 2);
        if (Interlocked.CompareExchange(ref _claims[8], Pack(generation, next, end - take), state) != state)
        {
            return false;
        }

        Compute(end - take, end);
        return true;
    }

    private static long Pack(int generation, int next, int end) => ((long)generation << 32) | ((long)end << 16) | (uint)next;

    private static (int Generation, int Next, int End) Unpack(long state) => ((int)(state >> 32), (int)(state & 0xFFFF), (int)((state >> 16) & 0xFFFF));

    private void Compute(int firstPiece, int endPiece)
    {
        try
        {
            var rows = _weights.Rows;
            MatMul.MultiplyTokens(_weights, _input!, _output, _from, _to, firstPiece * PieceRows, Math.Min(rows, endPiece * PieceRows));
        }
        finally
        {
            // Counted even if it threw, so the owner never waits forever; the pool rethrows the exception.
            Interlocked.Add(ref _done, endPiece - firstPiece);
        }
    }
}

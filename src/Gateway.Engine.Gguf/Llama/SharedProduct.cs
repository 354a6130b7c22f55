using Gateway.Kernels;

namespace Gateway.Engine.Gguf.Llama;

/// <summary>
/// One token slice's matrix product in flight in a token-split decode step, cut into row pieces that its owner takes
/// from the front and that the other thread, once it has run out of work of its own, takes from the back
/// (<see cref="PieceClaims"/>). The two cores of this VM do not run at one speed (a single-thread GEMM ran 15 % slower
/// pinned to one than to the other), so the thread on the faster core finished its layers (it then went on to its own
/// logits) and waited up to a seventh of the step for the other's last layers; taking pieces of those layers' products
/// instead measured +1-2 % at batch 16 (in-process A/B, medians of 9 and 11 rounds). Every row is computed by the same
/// kernel over the same tokens, so a piece gives the same bits whichever thread takes it.
/// </summary>
internal sealed class SharedProduct
{
    /// <summary>Rows per piece: 4 groups of the packed kernels, a few microseconds of work for 8 tokens.</summary>
    public const int PieceRows = 64;

    private readonly PieceClaims _claims = new();
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
        _claims.Publish(pieces);
        while (_claims.TryTakeFront(out var piece))
        {
            Compute(piece, piece + 1);
        }

        _claims.AwaitAll(pieces);
    }

    /// <summary>Takes half of the pieces still unclaimed (at least one) from the back and computes them; false if none was left.</summary>
    public bool TryHelp()
    {
        if (!_claims.TryTakeBack(out var first, out var end))
        {
            return false;
        }

        Compute(first, end);
        return true;
    }

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
            _claims.Finish(endPiece - firstPiece);
        }
    }
}

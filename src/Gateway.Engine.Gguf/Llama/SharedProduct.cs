using Gateway.Kernels;

namespace Gateway.Engine.Gguf.Llama;

/// <summary>
/// One token slice's matrix product in flight in a token-split decode step, cut into row pieces that its owner takes
/// from the front and that the other thread, once it has run out of work of its own, takes from the back
/// (<see cref="SharedPieces"/>). The two cores of this VM do not run at one speed (a single-thread GEMM ran 15 % slower
/// pinned to one than to the other), so the thread on the faster core finished its layers (it then went on to its own
/// logits) and waited up to a seventh of the step for the other's last layers; taking pieces of those layers' products
/// instead measured +1-2 % at batch 16 (in-process A/B, medians of 9 and 11 rounds). Every row is computed by the same
/// kernel over the same tokens, so a piece gives the same bits whichever thread takes it.
/// </summary>
internal sealed unsafe class SharedProduct : SharedPieces
{
    /// <summary>
    /// Rows per piece of a layer's product: 16 groups of the packed kernels, 7-20 us of work for 8 tokens. Pieces of
    /// 64 rows cost more in claims than they gained in balance (in-process A/B, batch 16, alternating steps, with each
    /// slice's own logits in <see cref="LlamaModelRunner"/>: 128 rows +3.4 %, 256 +5.4 %, 512 +4.6 %, medians of 12 rounds).
    /// </summary>
    public const int PieceRows = 256;

    private WeightMatrix _weights;
    private Activations? _input;
    private float* _output;
    private int _outputLength;
    private int _pieceRows;
    private int _from;
    private int _to;

    /// <summary>
    /// y = w x for tokens [<paramref name="from"/>, <paramref name="to"/>) on the calling thread (the slice's owner),
    /// with pieces taken by a helper meanwhile; returns once every row is written.
    /// </summary>
    public void Run(in WeightMatrix w, Activations x, float[] y, int from, int to)
    {
        fixed (float* output = y)
        {
            Run(w, x, output, y.Length, from, to, PieceRows);
        }
    }

    /// <summary>
    /// As <see cref="Run(in WeightMatrix, Activations, float[], int, int)"/>, into <paramref name="yLength"/> floats at
    /// <paramref name="y"/> (pinned until this returns, which is after the helper's last piece) in pieces of
    /// <paramref name="pieceRows"/> rows.
    /// </summary>
    public void Run(in WeightMatrix w, Activations x, float* y, int yLength, int from, int to, int pieceRows)
    {
        _weights = w;
        _input = x;
        _output = y;
        _outputLength = yLength;
        _pieceRows = pieceRows;
        _from = from;
        _to = to;
        RunAsOwner((w.Rows + pieceRows - 1) / pieceRows, threadIndex: 0);
    }

    protected override void ComputePieces(int first, int end, int threadIndex) =>
        MatMul.MultiplyTokens(_weights, _input!, new Span<float>(_output, _outputLength), _from, _to, first * _pieceRows, Math.Min(_weights.Rows, end * _pieceRows));
}

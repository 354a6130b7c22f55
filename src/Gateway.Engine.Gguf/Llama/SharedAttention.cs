namespace Gateway.Engine.Gguf.Llama;

/// <summary>
/// One token slice's attention in flight in a token-split decode step, a token per piece (<see cref="SharedPieces"/>):
/// its owner attends its tokens from the front, the other thread, once it has run out of work of its own, takes tokens
/// from the back. With the products alone to help with (<see cref="SharedProduct"/>), the thread on the faster core
/// spun 450-530 us a step through the other's attention at batch 16 (their layers ended about 1 ms apart, on cores
/// 20 % apart). A token's attention reads only its own sequence's cache and writes only its own rows, and the helper
/// brings its own scratch, so it gets the same bits whichever thread attends it.
/// </summary>
/// <param name="attendToken">Biases, rotates and stores token t's key and value, then attends it: (layer, token, thread).</param>
internal sealed class SharedAttention(Action<int, int, int> attendToken) : SharedPieces
{
    private int _layer;
    private int _from;

    /// <summary>Attends tokens [<paramref name="from"/>, <paramref name="to"/>) at <paramref name="layer"/> as their owner, thread <paramref name="threadIndex"/>; returns once every one is done.</summary>
    public void Run(int layer, int from, int to, int threadIndex)
    {
        _layer = layer;
        _from = from;
        RunAsOwner(to - from, threadIndex);
    }

    protected override void ComputePieces(int first, int end, int threadIndex)
    {
        for (var piece = first; piece < end; piece++)
        {
            attendToken(_layer, _from + piece, threadIndex);
        }
    }
}

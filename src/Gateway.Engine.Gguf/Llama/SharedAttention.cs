namespace Gateway.Engine.Gguf.Llama;

/// <summary>
/// One token slice's attention in flight in a token-split decode step, a token per piece (<see cref="PieceClaims"/>):
/// its owner attends its tokens from the front, the other thread, once it has run out of work of its own, takes tokens
/// from the back. With the products alone to help with (<see cref="SharedProduct"/>), the thread on the faster core
/// spun 450-530 us a step through the other's attention at batch 16 (their layers ended about 1 ms apart, on cores
/// 20 % apart). A token's attention reads only its own sequence's cache and writes only its own rows, and the helper
/// brings its own scratch, so it gets the same bits whichever thread attends it.
/// </summary>
/// <param name="attendToken">Biases, rotates and stores token t's key and value, then attends it: (layer, token, thread).</param>
internal sealed class SharedAttention(Action<int, int, int> attendToken)
{
    private readonly PieceClaims _claims = new();
    private int _layer;
    private int _from;

    /// <summary>Attends tokens [<paramref name="from"/>, <paramref name="to"/>) at <paramref name="layer"/> as their owner, thread <paramref name="threadIndex"/>; returns once every one is done.</summary>
    public void Run(int layer, int from, int to, int threadIndex)
    {
        _layer = layer;
        _from = from;
        _claims.Publish(to - from);
        while (_claims.TryTakeFront(out var piece))
        {
            Attend(piece, piece + 1, threadIndex);
        }

        _claims.AwaitAll(to - from);
    }

    /// <summary>Attends half of the tokens still unclaimed (at least one) on helper thread <paramref name="threadIndex"/>; false if none was left.</summary>
    public bool TryHelp(int threadIndex)
    {
        if (!_claims.TryTakeBack(out var first, out var end))
        {
            return false;
        }

        Attend(first, end, threadIndex);
        return true;
    }

    private void Attend(int first, int end, int threadIndex)
    {
        try
        {
            for (var piece = first; piece < end; piece++)
            {
                attendToken(_layer, _from + piece, threadIndex);
            }
        }
        finally
        {
            // Counted even if it threw, so the owner never waits forever; the pool rethrows the exception.
            _claims.Finish(end - first);
        }
    }
}

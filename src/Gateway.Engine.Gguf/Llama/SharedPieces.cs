namespace Gateway.Engine.Gguf.Llama;

/// <summary>
/// Work of one token slice in flight in a token-split decode step, cut into pieces (<see cref="PieceClaims"/>): the
/// slice's owner computes them from the front, one at a time, and a thread that has run out of work of its own takes
/// half of what is left from the back (<see cref="TryHelp"/>). A derived class publishes its fields, then calls
/// <see cref="RunAsOwner"/>, and computes whatever run of pieces it is handed.
/// </summary>
internal abstract class SharedPieces
{
    private readonly PieceClaims _claims = new();

    /// <summary>Takes half of the pieces still unclaimed (at least one) from the back and computes them on helper thread <paramref name="threadIndex"/>; false if none was left.</summary>
    public bool TryHelp(int threadIndex)
    {
        if (!_claims.TryTakeBack(out var first, out var end))
        {
            return false;
        }

        Compute(first, end, threadIndex);
        return true;
    }

    /// <summary>
    /// Publishes <paramref name="pieces"/> pieces (once the fields they read are written), computes them as their owner,
    /// thread <paramref name="threadIndex"/>, and returns once a helper's are done too, also when one of the owner's
    /// threw: a helper may be writing through memory the caller pinned only for this call.
    /// </summary>
    protected void RunAsOwner(int pieces, int threadIndex)
    {
        _claims.Publish(pieces);
        try
        {
            while (_claims.TryTakeFront(out var piece))
            {
                Compute(piece, piece + 1, threadIndex);
            }
        }
        catch
        {
            // Nobody computes what is left; counting it finished lets the wait below end once the helper's run has.
            while (_claims.TryTakeFront(out _))
            {
                _claims.Finish(1);
            }

            _claims.AwaitAll(pieces);
            throw;
        }

        _claims.AwaitAll(pieces);
    }

    /// <summary>Pieces [<paramref name="first"/>, <paramref name="end"/>) on thread <paramref name="threadIndex"/> (the owner or a helper).</summary>
    protected abstract void ComputePieces(int first, int end, int threadIndex);

    private void Compute(int first, int end, int threadIndex)
    {
        try
        {
            ComputePieces(first, end, threadIndex);
        }
        finally
        {
            // Counted even if it threw, so the owner never waits forever; the pool rethrows the exception.
            _claims.Finish(end - first);
        }
    }
}

namespace Gateway.Kernels;

/// <summary>
/// The output rows of a product one thread computes in a pool run, piece by piece. A product of few tokens streams
/// its weights from memory: the threads share the bus, not the cores, so each takes a fixed share and no claiming
/// traffic is added to every dispatch. From <see cref="ClaimFromTokens"/> tokens on the kernels are compute-bound and
/// the two cores of a VM rarely run at one speed, so the rows are cut into pieces the threads claim
/// (<see cref="ComputePool.ClaimNext"/>): a thread on a slower core leaves its pieces to the other instead of making
/// it wait at the join. Pieces are whole 16-row groups, so every row is computed by the same kernel call shape
/// wherever it lands and the split changes no value.
/// </summary>
public struct RowPieces
{
    /// <summary>Tokens from which a product's rows are claimed rather than shared out in fixed halves.</summary>
    public const int ClaimFromTokens = 4;

    /// <summary>Rows of one weight group; every piece boundary falls on one.</summary>
    private const int Granule = 16;

    /// <summary>Pieces per thread: the last one claimed is a small part of the run.</summary>
    private const int PiecesPerThread = 8;

    /// <summary>Fewest rows in a claimed piece, below which claiming and per-range set-up start to show.</summary>
    private const int MinPieceRows = 4 * Granule;

    private readonly ComputePool _pool;
    private readonly int _rows;
    private readonly int _piece;
    private int _fixedStart;
    private int _fixedEnd;

    public RowPieces(ComputePool pool, int rows, int tokens, int threadIndex, int threadCount)
    {
        _pool = pool;
        _rows = rows;
        if (tokens >= ClaimFromTokens && threadCount > 1)
        {
            _piece = Math.Max(MinPieceRows, (rows + (threadCount * PiecesPerThread) - 1) / (threadCount * PiecesPerThread) / Granule * Granule);
            _fixedStart = _fixedEnd = 0;
        }
        else
        {
            var granules = (rows + Granule - 1) / Granule;
            _piece = 0;
            _fixedStart = (int)((long)granules * threadIndex / threadCount) * Granule;
            _fixedEnd = Math.Min(rows, (int)((long)granules * (threadIndex + 1) / threadCount) * Granule);
        }
    }

    /// <summary>The next rows [start, end) this thread computes; false when there are none left.</summary>
    public bool Next(out int start, out int end)
    {
        if (_piece == 0)
        {
            (start, end) = (_fixedStart, _fixedEnd);
            _fixedStart = _fixedEnd;
            return start < end;
        }

        start = _pool.ClaimNext() * _piece;
        end = Math.Min(_rows, start + _piece);
        return start < _rows;
    }
}

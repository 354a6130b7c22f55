namespace Gateway.Kernels;

/// <summary>
/// The part of a pool run's work one thread does, piece by piece: output rows of a product, or work items.
/// A product of few tokens streams its weights from memory: the threads share the bus, not the cores, so each takes
/// a fixed share and no claiming traffic is added to every dispatch. From <see cref="ClaimFromTokens"/> tokens on the
/// kernels are compute-bound and the two cores of a VM rarely run at one speed, so each thread first takes a fixed
/// share of three quarters of the work and then claims the rest in pieces (<see cref="ComputePool.ClaimNext"/>): a
/// thread on a slower core leaves its pieces to the other instead of making it wait at the join, and a claim, a
/// cache line passed between the cores (about half a microsecond on our VMs), is paid a few times per run rather than
/// once per piece of a finely cut run. Row pieces are whole 16-row groups, so every row is computed by the same kernel
/// call shape wherever it lands and the split changes no value.
/// </summary>
public struct WorkPieces
{
    /// <summary>Tokens from which a product's rows are partly claimed rather than shared out in fixed parts.</summary>
    public const int ClaimFromTokens = 4;

    /// <summary>Rows of one weight group; every row piece boundary falls on one.</summary>
    private const int RowGranule = 16;

    /// <summary>Fewest rows in a claimed piece, below which claiming and per-range set-up start to show.</summary>
    private const int MinPieceRows = 4 * RowGranule;

    /// <summary>Claimed pieces per thread in the claimed quarter.</summary>
    private const int PiecesPerThread = 2;

    private readonly ComputePool? _pool;
    private readonly int _count;
    private readonly int _claimStart;
    private readonly int _piece;
    private int _fixedStart;
    private int _fixedEnd;
    private int _nextItem;
    private int _endItem;

    private WorkPieces(ComputePool? pool, int count, int granule, int minPiece, bool claim, int threadIndex, int threadCount)
    {
        _pool = pool;
        _count = count;
        var granules = (count + granule - 1) / granule;
        if (claim && threadCount > 1 && pool is not null)
        {
            var fixedGranules = granules * 3 / 4 / threadCount;
            _fixedStart = threadIndex * fixedGranules * granule;
            _fixedEnd = Math.Min(count, (threadIndex + 1) * fixedGranules * granule);
            _claimStart = Math.Min(count, threadCount * fixedGranules * granule);
            var rest = count - _claimStart;
            _piece = Math.Max(minPiece, (rest + (threadCount * PiecesPerThread) - 1) / (threadCount * PiecesPerThread) / granule * granule);
        }
        else
        {
            _fixedStart = (int)((long)granules * threadIndex / threadCount) * granule;
            _fixedEnd = Math.Min(count, (int)((long)granules * (threadIndex + 1) / threadCount) * granule);
            _claimStart = count;
            _piece = 0;
        }
    }

    /// <summary>Output rows of a product of <paramref name="tokens"/> tokens.</summary>
    public static WorkPieces ForRows(ComputePool pool, int rows, int tokens, int threadIndex, int threadCount) =>
        new(pool, rows, RowGranule, MinPieceRows, tokens >= ClaimFromTokens, threadIndex, threadCount);

    /// <summary>Work items of uneven cost; claimed in part whenever the run has a pool to claim from.</summary>
    public static WorkPieces ForItems(ComputePool? pool, int items, int threadIndex, int threadCount) =>
        new(pool, items, 1, 1, claim: true, threadIndex, threadCount);

    /// <summary>The next single item this thread does (the ranges of <see cref="Next"/>, one item at a time).</summary>
    public bool NextItem(out int item)
    {
        if (_nextItem >= _endItem && !Next(out _nextItem, out _endItem))
        {
            item = _count;
            return false;
        }

        item = _nextItem++;
        return true;
    }

    /// <summary>The next range [start, end) this thread does; false when there is none left.</summary>
    public bool Next(out int start, out int end)
    {
        if (_fixedStart < _fixedEnd)
        {
            (start, end) = (_fixedStart, _fixedEnd);
            _fixedStart = _fixedEnd;
            return true;
        }

        if (_piece == 0)
        {
            start = end = _count;
            return false;
        }

        start = _claimStart + (_pool!.ClaimNext() * _piece);
        end = Math.Min(_count, start + _piece);
        return start < _count;
    }
}

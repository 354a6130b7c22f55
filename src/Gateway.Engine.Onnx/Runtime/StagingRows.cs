using Gateway.Inference;

namespace Gateway.Engine.Onnx.Runtime;

/// <summary>
/// Which sequence's past each staging row of <see cref="BlockKvPool"/> holds. A row is reused by the next chunk of
/// the same sequence (<see cref="SequenceChunk.SequenceId"/>) that starts exactly where the row ends and reads the same
/// blocks: then its past is already staged and only the new positions are written. Anything else (a new sequence, a
/// preempted one, a row overwritten in between) is gathered again from the blocks, which stay the source of truth.
/// </summary>
internal sealed class StagingRows
{
    private readonly int _blockSize;
    private long[] _sequence = [];
    private int[] _length = [];
    private int[][] _blocks = [];
    private long[] _claimedInStep = [];
    private long _step;

    public StagingRows(int blockSize)
    {
        _blockSize = blockSize;
    }

    /// <summary>Forgets every row and sizes the table for <paramref name="rows"/> rows of <paramref name="rowLength"/> positions.</summary>
    public void Reset(int rows, int rowLength)
    {
        var blocksPerRow = (rowLength + _blockSize - 1) / _blockSize;
        _sequence = new long[rows];
        _length = new int[rows];
        _claimedInStep = new long[rows];
        _blocks = new int[rows][];
        for (var r = 0; r < rows; r++)
        {
            _blocks[r] = new int[blocksPerRow];
        }
    }

    /// <summary>Starts a step: no row is claimed yet.</summary>
    public void BeginStep() => _step++;

    /// <summary>The unclaimed row that holds exactly positions [0, <paramref name="start"/>) of the sequence, or -1.</summary>
    public int Find(long sequenceId, int start, ReadOnlySpan<int> blockTable)
    {
        if (sequenceId == 0 || start == 0)
        {
            return -1;
        }

        var blocks = (start + _blockSize - 1) / _blockSize;
        for (var r = 0; r < _sequence.Length; r++)
        {
            if (_sequence[r] == sequenceId && _length[r] == start && _claimedInStep[r] != _step
                && blockTable[..blocks].SequenceEqual(_blocks[r].AsSpan(0, blocks)))
            {
                return r;
            }
        }

        return -1;
    }

    public bool IsClaimed(int row) => _claimedInStep[row] == _step;

    public void Claim(int row) => _claimedInStep[row] = _step;

    /// <summary>Row <paramref name="row"/> now holds positions [0, <paramref name="length"/>) of the sequence.</summary>
    public void Record(int row, long sequenceId, int length, ReadOnlySpan<int> blockTable)
    {
        var blocks = (length + _blockSize - 1) / _blockSize;
        _sequence[row] = sequenceId;
        _length[row] = length;
        blockTable[..blocks].CopyTo(_blocks[row]);
        _claimedInStep[row] = _step;
    }

    /// <summary>Row <paramref name="row"/> holds nothing reusable (overwritten without a sequence to name).</summary>
    public void Forget(int row)
    {
        _sequence[row] = 0;
        _length[row] = 0;
    }
}

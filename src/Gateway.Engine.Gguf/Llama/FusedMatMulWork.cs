using Gateway.Kernels;

namespace Gateway.Engine.Gguf.Llama;

/// <summary>
/// Several matrices that read the same activations (Q/K/V, or gate/up) computed in one pool dispatch: their rows are
/// treated as one long range and split across threads. At batch-1 decode a dispatch costs about as much as a small
/// matmul, so halving the number of dispatches per layer matters.
/// </summary>
internal readonly struct FusedMatMulWork : IComputeWork
{
    private readonly WeightMatrix _a;
    private readonly WeightMatrix _b;
    private readonly WeightMatrix _c;
    private readonly float[] _outA;
    private readonly float[] _outB;
    private readonly float[]? _outC;
    private readonly Activations _x;
    private readonly ComputePool _pool;

    public FusedMatMulWork(ComputePool pool, Activations x, in WeightMatrix a, float[] outA, in WeightMatrix b, float[] outB)
        : this(pool, x, a, outA, b, outB, default, null)
    {
    }

    public FusedMatMulWork(ComputePool pool, Activations x, in WeightMatrix a, float[] outA, in WeightMatrix b, float[] outB, in WeightMatrix c, float[]? outC)
    {
        // Quantize the shared activations once, before any worker reads them.
        if (!GgmlTypeTraits.IsFloat(a.Type) || !GgmlTypeTraits.IsFloat(b.Type) || (outC is not null && !GgmlTypeTraits.IsFloat(c.Type)))
        {
            x.EnsureQuantized(pool);
        }

        _x = x;
        _pool = pool;
        _a = a;
        _b = b;
        _c = c;
        _outA = outA;
        _outB = outB;
        _outC = outC;
    }

    public void Execute(int threadIndex, int threadCount)
    {
        var total = _a.Rows + _b.Rows + (_outC is null ? 0 : _c.Rows);
        var pieces = WorkPieces.ForRows(_pool, total, _x.Count, threadIndex, threadCount);
        while (pieces.Next(out var start, out var end))
        {
            var offset = 0;
            Segment(_a, _outA, ref offset, start, end);
            Segment(_b, _outB, ref offset, start, end);
            if (_outC is not null)
            {
                Segment(_c, _outC, ref offset, start, end);
            }
        }
    }

    private void Segment(in WeightMatrix w, float[] output, ref int offset, int start, int end)
    {
        var from = Math.Max(start, offset) - offset;
        var to = Math.Min(end, offset + w.Rows) - offset;
        if (from < to)
        {
            MatMul.MultiplyRows(w, _x, output.AsSpan(0, _x.Count * w.Rows), from, to);
        }

        offset += w.Rows;
    }
}

using System.Runtime.InteropServices;
using Gateway.Inference;
using Gateway.Tokenizers;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Gateway.Engine.Onnx.Runtime;

/// <summary>
/// Runs an ONNX Runtime GenAI decoder (ours from export-onnx, or the official model builder's) under the scheduler's
/// paged-step contract. Each <see cref="Forward"/> is one scheduler step: its decode tokens run together as one batch
/// of rows (GroupQueryAttention takes a length per row, so rows of any length share a run); prompts that start at
/// position 0 run together as right-padded rows (GroupQueryAttention's first-prompt form); any other prefill chunk (a
/// prompt after a cached prefix, or the rest of a long one) runs as a row of its own (ONNX Runtime's CPU attention
/// accepts several new tokens after a past only with one row).
/// Which sequences are in a step is decided afresh every step, so requests join and leave the batch at any step.
/// A sequence keeps its staging row from step to step (<see cref="StagingRows"/>): a decode step writes one position
/// per row, and a row is copied only when its sequence joins, or moves down to fill the place of one that left.
/// </summary>
internal sealed unsafe class OnnxModelRunner : IModelRunner
{
    /// <summary>Staging row lengths are multiples of this, and at least double when they grow: growing sequences re-stage
    /// the rows once per doubling, not every step.</summary>
    private const int RowLengthGranule = 128;

    /// <summary>Steps whose longest row would fit a quarter of the row length before the rows shrink again.</summary>
    private const int ShrinkAfterSteps = 256;

    /// <summary>
    /// Padding positions a fresh prompt may add to a shared run, per run it saves. A run of its own costs about what
    /// computing this many more tokens does: on the SmolLM2-135M-shape INT4 export with 2 threads a one-row decode step
    /// took 6 ms and each further prompt token about 1 ms.
    /// </summary>
    private const int PaddingPerSavedRun = 6;

    private readonly GenAiModelConfig _config;
    private readonly InferenceSession _session;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions = new();
    private readonly BlockKvPool _kv;
    private readonly StagingRows _staged;
    private readonly int _minRowLength;
    private readonly int _maxRowLength;
    private readonly bool _feedsPositions;
    private readonly int _maxRows;
    private readonly int _vocab;
    private readonly long* _inputIds;
    private readonly long* _positions;
    private readonly long* _mask;
    private readonly float* _logits;
    private readonly string[] _pastKeys;
    private readonly string[] _pastValues;
    private readonly string[] _presentKeys;
    private readonly string[] _presentValues;
    private readonly OrtValue?[] _values;

    // Per-step scratch, sized once: where each chunk's logits go, decode order, the rows of a run, the staged row each
    // decode chunk was found on, which rows of a decode group are taken.
    private readonly int[] _logitsSlot;
    private readonly int[] _decodeOrder;
    private readonly int[] _freshOrder;
    private readonly Row[] _rows;
    private readonly int[] _matched;
    private readonly bool[] _rowTaken;
    private int _shortStepsInARow;
    private bool _disposed;

    public OnnxModelRunner(GenAiModelConfig config, InferenceSession session, bool feedsPositions, ITokenizer tokenizer, ModelInfo info,
        OnnxModelLoadOptions options, OnnxRunnerOptions onnxOptions)
    {
        _config = config;
        _session = session;
        _feedsPositions = feedsPositions;
        Tokenizer = tokenizer;
        Info = info;
        _vocab = config.VocabSize;
        _maxRows = onnxOptions.MaxRowsPerRun;
        MaxBatchTokens = Math.Max(1, options.MaxBatchTokens);

        var tokenBytes = (long)config.Layers * 2 * config.KvHeads * config.HeadSize * sizeof(float);
        var bytesPerBlock = tokenBytes * options.BlockSize;
        var blocks = options.KvCacheBlocks ?? (int)Math.Max(1, options.KvCacheMemoryMiB * (1L << 20) / bytesPerBlock);
        // Staging holds as many positions as the pool itself (its rows are the pool's sequences), and at least one full
        // context and a step, so a single row always fits.
        var stagingTokens = Math.Max((long)blocks * options.BlockSize, info.ContextLength + MaxBatchTokens);
        // Never past the context: the mask's width is the attention's total length, which the rotary tables must cover.
        _maxRowLength = (int)Math.Min(stagingTokens, info.ContextLength);
        _minRowLength = Math.Min(_maxRowLength, 2 * RowLengthGranule);
        _kv = new BlockKvPool(config.Layers, config.KvHeads, config.HeadSize, options.BlockSize, blocks, stagingTokens, _minRowLength);
        _staged = new StagingRows(options.BlockSize);
        _staged.Reset(_kv.RowCapacity, _kv.RowLength);
        KvCache = new KvCacheGeometry(options.BlockSize, blocks, _kv.BytesPerBlock, KvCacheType.F32);

        var rowsCapacity = Math.Max(_maxRows, 1);
        _inputIds = (long*)NativeMemory.Alloc((nuint)(rowsCapacity * sizeof(long)));
        _positions = (long*)NativeMemory.Alloc((nuint)(rowsCapacity * sizeof(long)));
        _mask = (long*)NativeMemory.Alloc((nuint)(stagingTokens * sizeof(long)));
        _logits = (float*)NativeMemory.AlignedAlloc((nuint)((long)rowsCapacity * _vocab * sizeof(float)), 64);
        _pastKeys = [.. Enumerable.Range(0, config.Layers).Select(config.PastKey)];
        _pastValues = [.. Enumerable.Range(0, config.Layers).Select(config.PastValue)];
        _presentKeys = [.. Enumerable.Range(0, config.Layers).Select(config.PresentKey)];
        _presentValues = [.. Enumerable.Range(0, config.Layers).Select(config.PresentValue)];
        _values = new OrtValue?[(2 * config.Layers) + 4];
        _binding = session.CreateIoBinding();
        _logitsSlot = new int[MaxBatchTokens];
        _decodeOrder = new int[MaxBatchTokens];
        _freshOrder = new int[MaxBatchTokens];
        // A run has at most MaxRowsPerRun rows: a decode group, one prefill piece, or fresh prompts sharing a run.
        _rows = new Row[rowsCapacity];
        _matched = new int[rowsCapacity];
        _rowTaken = new bool[rowsCapacity];
    }

    public ModelInfo Info { get; }

    public ITokenizer Tokenizer { get; }

    public KvCacheGeometry KvCache { get; }

    public int MaxBatchTokens { get; }

    /// <summary>ONNX Runtime runs per step (decode groups plus prefill pieces); what the scheduler cannot see.</summary>
    public long Runs { get; private set; }

    public void Forward(ReadOnlySpan<SequenceChunk> chunks, Span<float> logits)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var wanted = Validate(chunks);
        if (logits.Length < (long)wanted * _vocab)
        {
            throw new ArgumentException($"logits buffer holds {logits.Length} floats, needs {(long)wanted * _vocab}", nameof(logits));
        }

        FitRowLength(chunks);
        _staged.BeginStep();

        // Decode rows in groups of at most one run each, starting at row 0, so the sequences that decoded last step
        // find their rows where they left them; then each prefill piece on a row of its own.
        var decodeCount = 0;
        for (var c = 0; c < chunks.Length; c++)
        {
            if (chunks[c].Tokens.Length == 1)
            {
                _decodeOrder[decodeCount++] = c;
            }
        }

        var groupSize = Math.Min(_maxRows, _kv.RowCapacity);
        for (var first = 0; first < decodeCount; first += groupSize)
        {
            var count = Math.Min(groupSize, decodeCount - first);
            var firstRow = first + count <= _kv.RowCapacity ? first : 0;
            PlaceDecodeGroup(chunks, _decodeOrder.AsSpan(first, count), firstRow);
            Run(chunks, firstRow, count, 1, logits, firstPrompt: false);
        }

        // Prefill chunks after a past first, each on its own row: they may find the row their sequence's earlier chunk
        // left. Then the fresh prompts, packed into shared runs on rows no chunk of this step holds.
        var freshCount = 0;
        for (var c = 0; c < chunks.Length; c++)
        {
            var chunk = chunks[c];
            var length = chunk.Tokens.Length;
            if (length == 1)
            {
                continue;
            }

            if (chunk.StartPosition == 0 && 2 * length <= _maxRows)
            {
                _freshOrder[freshCount++] = c;
                continue;
            }

            RunAlone(chunks, c, decodeCount, logits);
        }

        RunFreshPrompts(chunks, _freshOrder.AsSpan(0, freshCount), decodeCount, logits);
    }

    /// <summary>A prefill chunk on a row of its own, in pieces of at most <see cref="_maxRows"/> tokens.</summary>
    private void RunAlone(ReadOnlySpan<SequenceChunk> chunks, int c, int decodeCount, Span<float> logits)
    {
        var chunk = chunks[c];
        var length = chunk.Tokens.Length;
        var row = PlacePrefill(chunk, Math.Min(decodeCount, _kv.RowCapacity - 1));
        for (var offset = 0; offset < length; offset += _maxRows)
        {
            _rows[0] = new Row(c, offset, Math.Min(_maxRows, length - offset));
            Run(chunks, row, 1, _rows[0].Count, logits, firstPrompt: false);
        }
    }

    /// <summary>
    /// Prompts that start at position 0, longest first, packed into runs of right-padded rows: a run takes the next prompt
    /// while its logits fit (rows x longest &lt;= <see cref="_maxRows"/>) and the padding stays under
    /// <see cref="PaddingPerSavedRun"/> per run saved. Eight 12-token prompts arriving together run as one run instead
    /// of eight, which is most of their time to first token when each run streams every weight once.
    /// </summary>
    private void RunFreshPrompts(ReadOnlySpan<SequenceChunk> chunks, Span<int> fresh, int decodeCount, Span<float> logits)
    {
        // Insertion sort, longest first: a step holds a handful of new prompts.
        for (var i = 1; i < fresh.Length; i++)
        {
            var c = fresh[i];
            var j = i - 1;
            for (; j >= 0 && chunks[fresh[j]].Tokens.Length < chunks[c].Tokens.Length; j--)
            {
                fresh[j + 1] = fresh[j];
            }

            fresh[j + 1] = c;
        }

        for (var first = 0; first < fresh.Length;)
        {
            var longest = chunks[fresh[first]].Tokens.Length;
            var tokens = longest;
            var count = 1;
            while (first + count < fresh.Length)
            {
                var next = chunks[fresh[first + count]].Tokens.Length;
                var padded = (count + 1) * longest;
                if (padded > _maxRows || padded - (tokens + next) > count * PaddingPerSavedRun)
                {
                    break;
                }

                tokens += next;
                count++;
            }

            // Fewer rows when the staging area has no run of free rows that long (a small KV pool).
            var firstRow = -1;
            while (count > 1 && (firstRow = FirstUnclaimedRange(decodeCount, count)) < 0 && (firstRow = FirstUnclaimedRange(0, count)) < 0)
            {
                count--;
            }

            if (count == 1)
            {
                RunAlone(chunks, fresh[first], decodeCount, logits);
            }
            else
            {
                for (var i = 0; i < count; i++)
                {
                    var c = fresh[first + i];
                    _staged.Forget(firstRow + i);
                    _staged.Claim(firstRow + i);
                    _rows[i] = new Row(c, 0, chunks[c].Tokens.Length);
                }

                Run(chunks, firstRow, count, longest, logits, firstPrompt: true);
            }

            first += count;
        }
    }

    /// <summary>
    /// Sizes the staging rows for this step's longest sequence: up by whole granules at once (every row is re-staged
    /// then), and back down only after a long run of short steps, so a sequence growing by one token a step, or a
    /// length hovering around a boundary, does not re-stage every row again and again.
    /// </summary>
    private void FitRowLength(ReadOnlySpan<SequenceChunk> chunks)
    {
        var longest = 0;
        foreach (var chunk in chunks)
        {
            longest = Math.Max(longest, chunk.StartPosition + chunk.Tokens.Length);
        }

        var rowLength = _kv.RowLength;
        if (longest > rowLength)
        {
            rowLength = (int)Math.Min(_maxRowLength, RoundUp(Math.Max(longest, 2 * rowLength), RowLengthGranule));
            _shortStepsInARow = 0;
        }
        else if (rowLength > _minRowLength && longest * 4 <= rowLength)
        {
            if (++_shortStepsInARow < ShrinkAfterSteps)
            {
                return;
            }

            rowLength = (int)Math.Max(_minRowLength, RoundUp(2 * longest, RowLengthGranule));
            _shortStepsInARow = 0;
        }
        else
        {
            _shortStepsInARow = 0;
            return;
        }

        _kv.SetRowLength(rowLength);
        _staged.Reset(_kv.RowCapacity, rowLength);
    }

    /// <summary>
    /// Puts the decode chunks <paramref name="group"/> on rows [<paramref name="firstRow"/>, + count), each holding its
    /// sequence's past: a sequence already staged inside that range stays on its row; one staged outside it moves onto
    /// a free row of the range; one not staged is gathered from its blocks. <see cref="_rows"/> gets the run's rows.
    /// </summary>
    private void PlaceDecodeGroup(ReadOnlySpan<SequenceChunk> chunks, ReadOnlySpan<int> group, int firstRow)
    {
        var endRow = firstRow + group.Length;
        _rowTaken.AsSpan(0, group.Length).Clear();
        for (var i = 0; i < group.Length; i++)
        {
            var chunk = chunks[group[i]];
            var row = _staged.Find(chunk.SequenceId, chunk.StartPosition, chunk.BlockTable.Span);
            _matched[i] = row;
            if (row >= firstRow && row < endRow)
            {
                _staged.Claim(row);
                _rowTaken[row - firstRow] = true;
                _rows[row - firstRow] = new Row(group[i], 0, 1);
            }
        }

        var free = 0;
        for (var i = 0; i < group.Length; i++)
        {
            var source = _matched[i];
            if (source >= firstRow && source < endRow)
            {
                continue;
            }

            while (_rowTaken[free])
            {
                free++;
            }

            var chunk = chunks[group[i]];
            var row = firstRow + free;
            // A source lies outside the range, so no free row of the range is a source still to be read. The row's
            // record is dropped before it is overwritten: a run that then fails leaves nothing to be reused.
            _staged.Forget(row);
            if (source >= 0)
            {
                _kv.MoveRow(source, row, chunk.StartPosition);
            }
            else
            {
                _kv.Gather(chunk.BlockTable.Span, 0, chunk.StartPosition, row);
            }

            _staged.Claim(row);
            _rowTaken[free] = true;
            _rows[free] = new Row(group[i], 0, 1);
        }
    }

    /// <summary>
    /// The row a prefill chunk runs on: the row its sequence's earlier chunks left (a prompt longer than one step's
    /// budget), else the first row from <paramref name="preferredFrom"/> on that no chunk of this step holds — right
    /// after the decode rows, so that the new sequence joins them there next step without a copy.
    /// </summary>
    private int PlacePrefill(in SequenceChunk chunk, int preferredFrom)
    {
        var row = _staged.Find(chunk.SequenceId, chunk.StartPosition, chunk.BlockTable.Span);
        if (row < 0)
        {
            row = FirstUnclaimed(Math.Max(0, preferredFrom));
            if (row < 0)
            {
                row = FirstUnclaimed(0);
            }

            // Every row is this step's: runs before this one are already scattered back, so reuse the first.
            row = Math.Max(row, 0);
            _staged.Forget(row);
            _kv.Gather(chunk.BlockTable.Span, 0, chunk.StartPosition, row);
        }

        _staged.Claim(row);
        return row;
    }

    /// <summary>The first of <paramref name="count"/> consecutive rows from <paramref name="from"/> on that no chunk of this step holds, or -1.</summary>
    private int FirstUnclaimedRange(int from, int count)
    {
        var run = 0;
        for (var r = from; r < _kv.RowCapacity; r++)
        {
            run = _staged.IsClaimed(r) ? 0 : run + 1;
            if (run == count)
            {
                return r - count + 1;
            }
        }

        return -1;
    }

    private int FirstUnclaimed(int from)
    {
        for (var r = from; r < _kv.RowCapacity; r++)
        {
            if (!_staged.IsClaimed(r))
            {
                return r;
            }
        }

        return -1;
    }

    /// <summary>
    /// One ONNX Runtime run over rows [<paramref name="firstRow"/>, + <paramref name="rowCount"/>) of <paramref name="step"/>
    /// new positions each, of which each row's own <see cref="Row.Count"/> are tokens and the rest padding.
    /// </summary>
    /// <param name="firstPrompt">
    /// Rows are prompts from position 0: the mask is <paramref name="step"/> wide, which GroupQueryAttention reads as
    /// its first-prompt form (several rows of several tokens, each as long as its mask's sum). Otherwise the mask is the
    /// staging row's length wide, which allows several tokens after a past for a single row only.
    /// </param>
    private void Run(ReadOnlySpan<SequenceChunk> chunks, int firstRow, int rowCount, int step, Span<float> logits, bool firstPrompt)
    {
        var width = firstPrompt ? step : _kv.RowLength;
        var length = _kv.RowLength;
        for (var r = 0; r < rowCount; r++)
        {
            var row = _rows[r];
            var chunk = chunks[row.Chunk];
            var start = chunk.StartPosition + row.Offset;
            var tokens = chunk.Tokens.Span.Slice(row.Offset, row.Count);
            for (var s = 0; s < step; s++)
            {
                // Padding repeats the row's last token: any valid id will do, its positions are never read.
                _inputIds[(r * step) + s] = tokens[Math.Min(s, row.Count - 1)];
                _positions[(r * step) + s] = start + s;
            }

            // The mask's sum gives each row its length.
            var mask = new Span<long>(_mask + ((long)r * width), width);
            mask[..(start + row.Count)].Fill(1);
            mask[(start + row.Count)..].Clear();
        }

        var info = OrtMemoryInfo.DefaultInstance;
        var n = 0;
        try
        {
            Bind(_config.InputIdsName, Tensor(info, TensorElementType.Int64, (IntPtr)_inputIds, (long)rowCount * step * sizeof(long), rowCount, step), input: true, ref n);
            Bind(_config.AttentionMaskName, Tensor(info, TensorElementType.Int64, (IntPtr)_mask, (long)rowCount * width * sizeof(long), rowCount, width), input: true, ref n);
            if (_feedsPositions)
            {
                Bind(_config.PositionIdsName ?? "position_ids", Tensor(info, TensorElementType.Int64, (IntPtr)_positions, (long)rowCount * step * sizeof(long), rowCount, step), input: true, ref n);
            }

            var kvBytes = _kv.StagingTensorBytes(rowCount);
            for (var layer = 0; layer < _config.Layers; layer++)
            {
                // Past and present are the same memory: the attention appends the new positions in place.
                var keys = Tensor(info, TensorElementType.Float, _kv.StagingTensor(layer, false, firstRow), kvBytes, rowCount, _config.KvHeads, length, _config.HeadSize);
                var values = Tensor(info, TensorElementType.Float, _kv.StagingTensor(layer, true, firstRow), kvBytes, rowCount, _config.KvHeads, length, _config.HeadSize);
                Bind(_pastKeys[layer], keys, input: true, ref n);
                Bind(_pastValues[layer], values, input: true, ref n);
                _binding.BindOutput(_presentKeys[layer], keys);
                _binding.BindOutput(_presentValues[layer], values);
            }

            Bind(_config.LogitsName, Tensor(info, TensorElementType.Float, (IntPtr)_logits, (long)rowCount * step * _vocab * sizeof(float), rowCount, step, _vocab), input: false, ref n);
            _session.RunWithBinding(_runOptions, _binding);
            Runs++;
        }
        finally
        {
            for (var i = 0; i < n; i++)
            {
                _values[i]!.Dispose();
                _values[i] = null;
            }
        }

        for (var r = 0; r < rowCount; r++)
        {
            var row = _rows[r];
            var chunk = chunks[row.Chunk];
            var start = chunk.StartPosition + row.Offset;
            _kv.Scatter(chunk.BlockTable.Span, start, row.Count, firstRow + r);
            _staged.Record(firstRow + r, chunk.SequenceId, start + row.Count, chunk.BlockTable.Span);
            var last = row.Offset + row.Count == chunk.Tokens.Length;
            if (last && chunk.ComputeLogits)
            {
                new ReadOnlySpan<float>(_logits + ((((long)r * step) + row.Count - 1) * _vocab), _vocab)
                    .CopyTo(logits.Slice(_logitsSlot[row.Chunk] * _vocab, _vocab));
            }
        }
    }

    private static long RoundUp(long value, int granule) => (value + granule - 1) / granule * granule;

    private void Bind(string name, OrtValue value, bool input, ref int n)
    {
        _values[n++] = value;
        if (input)
        {
            _binding.BindInput(name, value);
        }
        else
        {
            _binding.BindOutput(name, value);
        }
    }

    private static OrtValue Tensor(OrtMemoryInfo info, TensorElementType type, IntPtr data, long bytes, params long[] shape) =>
        OrtValue.CreateTensorValueWithData(info, type, shape, data, bytes);

    private int Validate(ReadOnlySpan<SequenceChunk> chunks)
    {
        if (chunks.Length > MaxBatchTokens)
        {
            throw new ArgumentException($"batch has {chunks.Length} chunks, at most {MaxBatchTokens}", nameof(chunks));
        }

        var tokens = 0;
        var wanted = 0;
        for (var c = 0; c < chunks.Length; c++)
        {
            var chunk = chunks[c];
            if (chunk.Tokens.IsEmpty)
            {
                throw new ArgumentException($"chunk {c} has no tokens", nameof(chunks));
            }

            tokens += chunk.Tokens.Length;
            if (tokens > MaxBatchTokens)
            {
                throw new ArgumentException($"batch exceeds {MaxBatchTokens} tokens", nameof(chunks));
            }

            var end = chunk.StartPosition + chunk.Tokens.Length;
            if (chunk.StartPosition < 0 || end > Info.ContextLength)
            {
                throw new ArgumentException($"chunk {c} spans positions {chunk.StartPosition}..{end}, context is {Info.ContextLength}", nameof(chunks));
            }

            if ((long)chunk.BlockTable.Length * KvCache.BlockSize < end)
            {
                throw new ArgumentException($"chunk {c} block table covers {chunk.BlockTable.Length * KvCache.BlockSize} positions, needs {end}", nameof(chunks));
            }

            foreach (var block in chunk.BlockTable.Span[..((end + KvCache.BlockSize - 1) / KvCache.BlockSize)])
            {
                if ((uint)block >= (uint)KvCache.BlockCount)
                {
                    throw new ArgumentException($"chunk {c} references KV block {block}, pool has {KvCache.BlockCount}", nameof(chunks));
                }
            }

            foreach (var id in chunk.Tokens.Span)
            {
                if ((uint)id >= (uint)_vocab)
                {
                    throw new ArgumentException($"token id {id} is outside the vocabulary of {_vocab}", nameof(chunks));
                }
            }

            _logitsSlot[c] = chunk.ComputeLogits ? wanted++ : -1;
        }

        return wanted;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _binding.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
        _kv.Dispose();
        NativeMemory.Free(_inputIds);
        NativeMemory.Free(_positions);
        NativeMemory.Free(_mask);
        NativeMemory.AlignedFree(_logits);
    }

    /// <summary>One row of a run: a chunk, from token <see cref="Offset"/>, <see cref="Count"/> tokens.</summary>
    private readonly record struct Row(int Chunk, int Offset, int Count);
}

using System.Numerics.Tensors;
using System.Runtime.Intrinsics.X86;
using Gateway.Gguf;
using Gateway.Inference;
using Gateway.Kernels;

namespace Gateway.Engine.Gguf.Llama;

/// <summary>
/// The Llama-family forward pass (llama, Mistral, Qwen2) over a batch of sequence chunks: every token of every chunk
/// goes through each weight matrix together, so a weight row is read once per step however many sequences decode —
/// the reason batched decode is nearly free on a memory-bound CPU. Attention reads the paged KV pool through each
/// chunk's block table. Scratch memory is sized once for <see cref="MaxBatchTokens"/>; a forward pass allocates nothing.
/// </summary>
public sealed unsafe class LlamaModelRunner : IModelRunner, IComputeThreads
{
    /// <summary>Rows from which per-token stages are split across the pool (as activation quantization is): fewer cost less than a dispatch.</summary>
    private const int ParallelRowStages = Activations.ParallelQuantizeRows;

    /// <summary>Tokens per attention work item: large enough to amortize gathering the keys, small enough to balance threads.</summary>
    private const int AttentionTokensPerSpan = 32;

    /// <summary>
    /// Decode tokens from which a step is split by tokens rather than by weight rows (see <see cref="ForwardSlice"/>):
    /// a full tile and half of another, each slice owning whole tiles (<see cref="PlanSlices"/>), the idle thread
    /// helping the other. Which split wins depends on the phase this VM is in (in-process A/B, llama-134m Q4_0, against
    /// the split by rows). With fast memory (batch 1 at 650-820 tok/s), tokens won at batches 9-12 (medians: batch 9
    /// +20 %, batch 12 +11 %). With slow memory (batch 1 at 390-500), the rows' hundred joins a step cost less: batch 9
    /// ran 5-14 % slower split by tokens, batch 12 0.94-1.05x. From 12 the gain in one phase outweighs the loss in the other.
    /// </summary>
    private const int SliceMinTokens = 12;

    /// <summary>
    /// Most threads a step is split by tokens across: each reads every weight once per step, so two double the
    /// weight traffic, which 8 tokens per thread hide behind compute in the packed integer GEMM (two single-thread
    /// 28 MB Q4_0 products at once, 8 tokens each, ran at 241-246 GMAC/s per thread, as fast as one alone); more would
    /// ask memory for more than it gives. For the same reason only models whose every matrix is packed split so (a
    /// float or unpacked product stays memory-bound at 8 tokens), and only compact ones (<see cref="SliceMaxBitsPerWeight"/>).
    /// </summary>
    private const int SliceMaxThreads = 2;

    /// <summary>
    /// Packed bits per weight up to which a step is split by tokens. Batch 16, builds alternated: 4-bit models (5 bits
    /// packed; 6.1 with a Q6_K output matrix) gained 12-27 %; Q8_0 (9 bits) read twice ran 0-5 % slower.
    /// </summary>
    private const double SliceMaxBitsPerWeight = 7;

    /// <summary>
    /// Output rows per piece of a slice's logits: 8 tokens x 512 rows of a 768-wide output matrix take about 15 us, so
    /// the threads end the step within a short piece of each other.
    /// </summary>
    private const int LogitsPieceRows = 512;

    /// <summary>Ints between two threads' slice flags, so each sits on its own cache line.</summary>
    private const int SliceFlagStride = 16;

    /// <summary>A slice flag: the slice's logits are written.</summary>
    private const int SliceDone = 1;

    /// <summary>A slice flag: the slice's thread failed; the others stop waiting for it.</summary>
    private const int SliceFailed = -1;

    /// <summary>
    /// How many times a GEMM multiply-add an attention multiply-add over the fp16 cache costs (widening, memory), for
    /// balancing slices whose sequences have different histories. Llama-134m Q4_0 here, 8 tokens a thread: 3.5 ms of
    /// weight products a step, and 17 us more per cached position, i.e. one token's products cost as much as
    /// attending over about 200 positions; its 110 M multiply-adds per token against 18 K per position give 30.
    /// </summary>
    private const int AttentionCostPerMac = 30;

    private readonly GgufFile _file;
    private readonly LlamaHyperparameters _hp;
    private readonly LlamaWeights _weights;
    private readonly PagedKvStorage _kv;
    private readonly RotaryEmbedding _rope;
    private readonly ComputePool _pool;
    private readonly bool _ownsPool;
    private readonly float _attentionScale;

    // Per-step scratch, sized for MaxBatchTokens.
    private readonly float[] _residual;
    private readonly Activations _normed;
    private readonly float[] _query;
    private readonly float[] _key;
    private readonly float[] _value;
    private readonly Activations _attention;
    private readonly float[] _projection;
    private readonly float[] _gate;
    private readonly float[] _up;
    private readonly Activations _hidden;
    private readonly Activations _finalNormed;
    private readonly float[][] _scores;
    private readonly float[][] _keyScratch;
    private readonly float[][] _valueScratch;
    private readonly Half[][] _keyHalf;

    // Per thread: the cache addresses of one sequence's key blocks, then its value blocks, for a decode token's attention.
    private readonly nint[][] _blockAddresses;

    // Floats between the score rows of the queries one ScoresGroup call serves (a context plus the kernel's overrun).
    private readonly int _scoreStride;
    private readonly List<AttentionSpan> _attentionSpans = [];

    // Set per forward pass: how many KV-head groups each span is split into (more than one only when spans are fewer
    // than threads).
    private int _attentionParts = 1;

    // Set per forward pass: a few short decode sequences, where waking the workers costs more than the attention.
    private bool _smallAttention;

    // Set per forward pass: every chunk is one attention item, so an item rotates and stores its own tokens' keys and
    // values, attends, and quantizes its output rows in the same dispatch (see FinishRows).
    private bool _rowsInAttention;

    // Set per forward pass: a decode step wide enough to split by tokens (see ForwardSlice).
    private bool _bySlices;

    // Per thread of a token-split step (SliceFlagStride apart): whether its slice is done (SliceDone, SliceFailed).
    private readonly int[] _sliceDone;

    // Per thread of a token-split step: the product its slice is in, which the other thread takes pieces of once idle.
    private readonly SharedProduct[] _products;

    // Per thread of a token-split step: its slice's attention, which the other thread takes tokens of once idle.
    private readonly SharedAttention[] _attentions;
    private readonly bool _slicesPay;

    // A token's weight products, in attended positions of equal cost (see AttentionCostPerMac).
    private readonly long _positionsPerToken;

    // Thread i's slice of a token-split step: tokens [_sliceStart[i], _sliceStart[i + 1]).
    private readonly int[] _sliceStart;
    private readonly int[] _tokenPosition;
    private readonly int[] _tokenChunk;
    private readonly ReadOnlyMemory<int>[] _chunkTables;

    public LlamaModelRunner(GgufFile file, ITokenizer tokenizer, ModelRunnerOptions options, ComputePool? pool = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(options);
        _file = file;
        _hp = LlamaHyperparameters.FromGguf(file);
        _weights = LlamaWeights.Load(file, _hp);
        Tokenizer = tokenizer;
        if (tokenizer.VocabSize > _hp.VocabSize)
        {
            throw new ModelLoadException(file.Path, $"tokenizer has {tokenizer.VocabSize} tokens but the model only {_hp.VocabSize}");
        }

        var context = options.ContextLength > 0 ? Math.Min(options.ContextLength, _hp.ContextLength) : _hp.ContextLength;
        var bytesPerBlock = PagedKvStorage.BytesPerBlockFor(_hp.BlockCount, options.BlockSize, _hp.KvDim, options.KvCacheType);
        var blocks = options.KvCacheBlocks ?? (int)Math.Max(1, options.KvCacheMemoryMiB * (1L << 20) / bytesPerBlock);
        _kv = new PagedKvStorage(_hp.BlockCount, blocks, options.BlockSize, _hp.KvDim, options.KvCacheType);
        KvCache = new KvCacheGeometry(options.BlockSize, blocks, bytesPerBlock, options.KvCacheType);
        _rope = new RotaryEmbedding(context, _hp.HeadDim, _hp.RopeDimensions, _hp.RopeFreqBase, _hp.RopeScale, _hp.RopeStyle);
        _attentionScale = 1f / MathF.Sqrt(_hp.HeadDim);
        _ownsPool = pool is null;
        _pool = pool ?? new ComputePool(options.Threads > 0 ? options.Threads : Environment.ProcessorCount);

        var t = MaxBatchTokens = Math.Max(1, options.MaxBatchTokens);
        _residual = new float[t * _hp.EmbeddingLength];
        _normed = new Activations(t, _hp.EmbeddingLength);
        _query = new float[t * _hp.QueryDim];
        _key = new float[t * _hp.KvDim];
        _value = new float[t * _hp.KvDim];
        _attention = new Activations(t, _hp.QueryDim);
        _projection = new float[t * _hp.EmbeddingLength];
        _gate = new float[t * _hp.FeedForwardLength];
        _up = new float[t * _hp.FeedForwardLength];
        _hidden = new Activations(t, _hp.FeedForwardLength);
        _finalNormed = new Activations(t, _hp.EmbeddingLength);
        _scores = new float[_pool.Threads][];
        _keyScratch = new float[_pool.Threads][];
        _valueScratch = new float[_pool.Threads][];
        _keyHalf = new Half[_pool.Threads][];
        _blockAddresses = new nint[_pool.Threads][];
        _scoreStride = context + options.BlockSize + AttentionOps.KeyPadding;
        for (var i = 0; i < _scores.Length; i++)
        {
            // A decode token scores all its heads before any weighted sum (see AttendOneToken).
            _scores[i] = new float[Math.Max(AttentionOps.MaxGroupQueries, _hp.HeadCount) * _scoreStride];
            // Whole blocks of keys, plus the score kernel's padded read past the last row.
            _keyScratch[i] = new float[((context + options.BlockSize) * _hp.KvDim) + AttentionOps.KeyPadding];
            _valueScratch[i] = new float[(context + options.BlockSize) * _hp.KvDim];
            _keyHalf[i] = new Half[_hp.KvDim];
            _blockAddresses[i] = new nint[2 * ((context + options.BlockSize - 1) / options.BlockSize)];
        }

        _slicesPay = _weights.AllPacked && _weights.PackedBitsPerWeight <= SliceMaxBitsPerWeight;
        _positionsPerToken = Math.Max(1, _weights.MultiplyAddsPerToken / (2L * _hp.QueryDim * _hp.BlockCount * AttentionCostPerMac));
        _sliceStart = new int[_pool.Threads + 1];
        _sliceDone = new int[_pool.Threads * SliceFlagStride];
        _products = new SharedProduct[_pool.Threads];
        for (var i = 0; i < _products.Length; i++)
        {
            _products[i] = new SharedProduct();
        }

        _attentions = new SharedAttention[_pool.Threads];
        for (var i = 0; i < _attentions.Length; i++)
        {
            _attentions[i] = new SharedAttention(AttendSliceToken);
        }

        _tokenPosition = new int[t];
        _tokenChunk = new int[t];
        _chunkTables = new ReadOnlyMemory<int>[t];

        var name = options.ModelName ?? System.IO.Path.GetFileNameWithoutExtension(file.Path);
        Info = new ModelInfo(
            name,
            _hp.Architecture,
            _hp.VocabSize,
            context,
            file.Tensors.Sum(x => x.ElementCount),
            DescribeWeightTypes(file),
            file.Metadata.GetStringOrDefault("tokenizer.chat_template"),
            file.Path);
    }

    public ModelInfo Info { get; }

    public ITokenizer Tokenizer { get; }

    public KvCacheGeometry KvCache { get; }

    public int MaxBatchTokens { get; }

    public LlamaHyperparameters Hyperparameters => _hp;

    /// <summary>Whether the last forward pass was a decode step split by tokens (see <see cref="ForwardSlice"/>).</summary>
    internal bool LastStepSplitByTokens => _bySlices;

    /// <summary>First token of thread <paramref name="thread"/>'s slice in the last token-split step (see <see cref="PlanSlices"/>).</summary>
    internal int SliceStart(int thread) => _sliceStart[thread];

    /// <summary>Attach to measure where forward time goes; null (the default) measures nothing.</summary>
    public ForwardProfile? Profile { get; set; }

    /// <summary>Bytes of weights one forward pass reads (each matrix once; what bounds batch-1 decode speed).</summary>
    public long WeightBytesPerForward
    {
        get
        {
            long bytes = MatrixBytes(_weights.Output);
            foreach (var l in _weights.Layers)
            {
                bytes += MatrixBytes(l.Query) + MatrixBytes(l.Key) + MatrixBytes(l.Value) + MatrixBytes(l.Output) +
                         MatrixBytes(l.Gate) + MatrixBytes(l.Up) + MatrixBytes(l.Down);
            }

            return bytes;
        }
    }

    public void Forward(ReadOnlySpan<SequenceChunk> chunks, Span<float> logits)
    {
        var tokens = PrepareBatch(chunks, logits.Length);
        var dim = _hp.EmbeddingLength;
        Embed(chunks);
        if (_bySlices)
        {
            fixed (float* logitsOut = logits)
            {
                Array.Clear(_sliceDone);
                var slices = new SliceWork(this, logitsOut, logits.Length);
                _pool.Run(ref slices);
            }

            // The slices wrote and quantized rows outside the activations' bookkeeping: mark every int8 form stale.
            _normed.SetCount(tokens);
            _attention.SetCount(tokens);
            _hidden.SetCount(tokens);
            _finalNormed.SetCount(tokens);
            return;
        }

        var profile = Profile;
        var mark = profile is null ? 0 : System.Diagnostics.Stopwatch.GetTimestamp();
        RunRows(RowStage.AttentionNorm, 0, tokens);
        for (var layer = 0; layer < _hp.BlockCount; layer++)
        {
            var w = _weights.Layers[layer];
            Lap(profile, ref mark, Phase.Other);
            var qkv = new FusedMatMulWork(_pool, _normed, w.Query, _query, w.Key, _key, w.Value, _value);
            _pool.Run(ref qkv);
            Lap(profile, ref mark, Phase.MatMul);
            if (_rowsInAttention)
            {
                var work = new AttentionWork(this, layer);
                _pool.Run(ref work);
                Publish(_attention, ReadsInt8(w.Output), tokens);
            }
            else
            {
                RunRows(RowStage.BiasRotateAndStore, layer, tokens);
                Lap(profile, ref mark, Phase.Other);
                if (_smallAttention)
                {
                    // A few short decode sequences: waking the workers would cost more than the work itself.
                    Attend(layer, 0, 1);
                }
                else
                {
                    var work = new AttentionWork(this, layer);
                    _pool.Run(ref work);
                }

                _attention.SetCount(tokens);
            }

            Lap(profile, ref mark, Phase.Attention);

            MatMul.Multiply(w.Output, _attention, _projection.AsSpan(0, tokens * dim), _pool);
            Lap(profile, ref mark, Phase.MatMul);
            RunRows(RowStage.AddAndFeedForwardNorm, layer, tokens);
            Lap(profile, ref mark, Phase.Other);
            var gateUp = new FusedMatMulWork(_pool, _normed, w.Gate, _gate, w.Up, _up);
            _pool.Run(ref gateUp);
            Lap(profile, ref mark, Phase.MatMul);
            RunRows(RowStage.SiluMul, layer, tokens);
            Lap(profile, ref mark, Phase.Other);
            MatMul.Multiply(w.Down, _hidden, _projection.AsSpan(0, tokens * dim), _pool);
            Lap(profile, ref mark, Phase.MatMul);

            // The residual add, and the next layer's attention norm with it.
            RunRows(RowStage.AddAndAttentionNorm, layer, tokens);
        }

        Lap(profile, ref mark, Phase.Other);
        ComputeLogits(chunks, logits);
        Lap(profile, ref mark, Phase.MatMul);
    }

    /// <inheritdoc/>
    public void For(int count, Action<int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (count <= 0)
        {
            return;
        }

        var work = new EachItemWork(_pool, count, body);
        _pool.Run(ref work);
    }

    public void Dispose()
    {
        _kv.Dispose();
        _weights.Dispose();
        _normed.Dispose();
        _attention.Dispose();
        _hidden.Dispose();
        _finalNormed.Dispose();
        if (_ownsPool)
        {
            _pool.Dispose();
        }

        _file.Dispose();
    }

    private int PrepareBatch(ReadOnlySpan<SequenceChunk> chunks, int logitsLength)
    {
        var tokens = 0;
        var wanted = 0;
        _attentionSpans.Clear();
        for (var c = 0; c < chunks.Length; c++)
        {
            var chunk = chunks[c];
            var n = chunk.Tokens.Length;
            if (n == 0)
            {
                throw new ArgumentException($"chunk {c} has no tokens", nameof(chunks));
            }

            if (tokens + n > MaxBatchTokens)
            {
                throw new ArgumentException($"batch exceeds {MaxBatchTokens} tokens", nameof(chunks));
            }

            var end = chunk.StartPosition + n;
            if (chunk.StartPosition < 0 || end > Info.ContextLength)
            {
                throw new ArgumentException($"chunk {c} spans positions {chunk.StartPosition}..{end}, context is {Info.ContextLength}", nameof(chunks));
            }

            if (chunk.BlockTable.Length * KvCache.BlockSize < end)
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

            _chunkTables[c] = chunk.BlockTable;
            for (var first = 0; first < n; first += AttentionTokensPerSpan)
            {
                _attentionSpans.Add(new AttentionSpan(c, tokens + first, Math.Min(AttentionTokensPerSpan, n - first)));
            }

            var ids = chunk.Tokens.Span;
            for (var i = 0; i < n; i++)
            {
                if ((uint)ids[i] >= (uint)_hp.VocabSize)
                {
                    throw new ArgumentException($"token id {ids[i]} is outside the vocabulary of {_hp.VocabSize}", nameof(chunks));
                }

                _tokenPosition[tokens + i] = chunk.StartPosition + i;
                _tokenChunk[tokens + i] = c;
            }

            tokens += n;
            wanted += chunk.ComputeLogits ? 1 : 0;
        }

        long positions = 0;
        for (var t = 0; t < tokens; t++)
        {
            positions += _tokenPosition[t] + 1;
        }

        _smallAttention = positions * _hp.HeadCount * _hp.HeadDim < 64 * 1024;
        _attentionParts = _smallAttention || _attentionSpans.Count >= _pool.Threads ? 1 : Math.Min(_pool.Threads, _hp.KvHeadCount);
        _rowsInAttention = !_smallAttention && _attentionParts == 1 && _attentionSpans.Count == chunks.Length;
        _bySlices = _pool.Threads is > 1 and <= SliceMaxThreads && tokens >= SliceMinTokens &&
                    tokens == chunks.Length && wanted == chunks.Length && ReadsCacheDirectly && _slicesPay;
        if (_bySlices)
        {
            PlanSlices(tokens);
        }

        if (logitsLength < wanted * _hp.VocabSize)
        {
            throw new ArgumentException($"logits buffer holds {logitsLength} floats, needs {wanted * _hp.VocabSize}", nameof(logitsLength));
        }

        return tokens;
    }

    /// <summary>
    /// Cuts a token-split step into one contiguous slice per thread of about equal work (a token's weight products
    /// plus its attention, which grows with its history), then moves each cut to the nearest tile boundary
    /// (<see cref="SnapToTile"/>). Where the cut falls changes no bit of any token's result.
    /// </summary>
    private void PlanSlices(int tokens)
    {
        long total = 0;
        for (var t = 0; t < tokens; t++)
        {
            total += SliceCost(t);
        }

        var threads = _pool.Threads;
        _sliceStart[0] = 0;
        long done = 0;
        var next = 0;
        for (var i = 1; i < threads; i++)
        {
            // Each cut goes where the work before it first reaches the thread's share, keeping at least one token per slice.
            var share = total * i / threads;
            while (next < tokens - (threads - i) && done + (SliceCost(next) / 2) < share)
            {
                done += SliceCost(next++);
            }

            _sliceStart[i] = SnapToTile(Math.Max(next, _sliceStart[i - 1] + 1), _sliceStart[i - 1] + 1, tokens - (threads - i));
        }

        _sliceStart[threads] = tokens;
    }

    private long SliceCost(int token) => _positionsPerToken + _tokenPosition[token] + 1;

    /// <summary>
    /// The tile boundary nearest a cut, within [<paramref name="lowest"/>, <paramref name="highest"/>] (the cut itself
    /// if none is): two slices that share a tile write its quantized activations, which interleave the tile's tokens
    /// in every cache line, and read them back in each product, so the line bounced between the cores. Batches 12, 14
    /// and 15 cut at 6-7 tokens ran 8-16 % slower than split by rows; cut at 8, 5-18 % faster (in-process A/B). The
    /// cost the cut leaves uneven is taken up by the thread that finishes first (<see cref="SharedProduct"/>,
    /// <see cref="SharedAttention"/>).
    /// </summary>
    private static int SnapToTile(int cut, int lowest, int highest)
    {
        var below = cut / Activations.TileRows * Activations.TileRows;
        var above = below + Activations.TileRows;
        var (nearer, farther) = cut - below <= above - cut ? (below, above) : (above, below);
        return nearer >= lowest && nearer <= highest ? nearer : farther >= lowest && farther <= highest ? farther : cut;
    }

    private void Embed(ReadOnlySpan<SequenceChunk> chunks)
    {
        var dim = _hp.EmbeddingLength;
        var row = 0;
        foreach (var chunk in chunks)
        {
            foreach (var id in chunk.Tokens.Span)
            {
                Dequantizer.DequantizeRow(_weights.TokenEmbedding.Type, _weights.TokenEmbedding.Row(id), _residual.AsSpan(row * dim, dim));
                row++;
            }
        }
    }

    /// <summary>
    /// Runs a per-token stage over <paramref name="tokens"/> rows: on the calling thread for a few rows, split across
    /// the pool from <see cref="ParallelRowStages"/> rows on. At batch-16 decode these stages ran on
    /// one thread while the other waited, several percent of the step. Rows are independent, so the split changes no value.
    /// </summary>
    private void RunRows(RowStage stage, int layer, int tokens)
    {
        if (_pool.Threads == 1 || tokens < ParallelRowStages)
        {
            Rows(stage, layer, 0, tokens, 0);
        }
        else
        {
            var work = new RowWork(this, stage, layer, tokens);
            _pool.Run(ref work);
        }

        switch (stage)
        {
            case RowStage.AttentionNorm:
                Publish(_normed, QkvReadsInt8(_weights.Layers[layer]), tokens);
                break;
            case RowStage.AddAndFeedForwardNorm:
                Publish(_normed, GateUpReadsInt8(_weights.Layers[layer]), tokens);
                break;
            case RowStage.SiluMul:
                Publish(_hidden, ReadsInt8(_weights.Layers[layer].Down), tokens);
                break;
            case RowStage.AddAndAttentionNorm when layer + 1 < _hp.BlockCount:
                Publish(_normed, QkvReadsInt8(_weights.Layers[layer + 1]), tokens);
                break;
        }
    }

    /// <summary>Whether a product with this matrix reads the int8 form of its activations (the matrix is quantized).</summary>
    private static bool ReadsInt8(in WeightMatrix w) => !GgmlTypeTraits.IsFloat(w.Type);

    private static bool QkvReadsInt8(LlamaLayerWeights w) => ReadsInt8(w.Query) || ReadsInt8(w.Key) || ReadsInt8(w.Value);

    private static bool GateUpReadsInt8(LlamaLayerWeights w) => ReadsInt8(w.Gate) || ReadsInt8(w.Up);

    /// <summary>After a stage wrote (and, where the next product reads int8, quantized) the first rows of <paramref name="x"/>.</summary>
    private static void Publish(Activations x, bool quantized, int rows)
    {
        if (quantized)
        {
            x.MarkQuantized(rows);
        }
        else
        {
            x.SetCount(rows);
        }
    }

    private void Rows(RowStage stage, int layer, int from, int to, int threadIndex)
    {
        var dim = _hp.EmbeddingLength;
        switch (stage)
        {
            case RowStage.SiluMul:
                var ffn = _hp.FeedForwardLength;
                var hidden = _hidden.Rows(from, to);
                for (var t = from; t < to; t++)
                {
                    VectorOps.SiluMul(_gate.AsSpan(t * ffn, ffn), _up.AsSpan(t * ffn, ffn), hidden.Slice((t - from) * ffn, ffn));
                }

                QuantizeIfRead(_hidden, from, to, ReadsInt8(_weights.Layers[layer].Down));
                return;
            case RowStage.AttentionNorm:
                Normalize(from, to, _weights.Layers[layer].AttentionNorm, QkvReadsInt8(_weights.Layers[layer]));
                return;
            case RowStage.AddAndFeedForwardNorm:
            case RowStage.AddAndAttentionNorm:
                for (var t = from; t < to; t++)
                {
                    var residual = _residual.AsSpan(t * dim, dim);
                    TensorPrimitives.Add(residual, _projection.AsSpan(t * dim, dim), residual);
                }

                if (stage == RowStage.AddAndFeedForwardNorm)
                {
                    var w = _weights.Layers[layer];
                    Normalize(from, to, w.FeedForwardNorm, GateUpReadsInt8(w));
                }
                else if (layer + 1 < _hp.BlockCount)
                {
                    var next = _weights.Layers[layer + 1];
                    Normalize(from, to, next.AttentionNorm, QkvReadsInt8(next));
                }

                return;
        }

        BiasRotateAndStore(layer, from, to, threadIndex);
    }

    /// <summary>RMS norm of rows [from, to) of the residual into the normed activations, quantized where the next product reads int8.</summary>
    private void Normalize(int from, int to, float[] weight, bool quantize)
    {
        var dim = _hp.EmbeddingLength;
        var normed = _normed.Rows(from, to);
        for (var t = from; t < to; t++)
        {
            VectorOps.RmsNorm(_residual.AsSpan(t * dim, dim), weight, _hp.RmsEpsilon, normed.Slice((t - from) * dim, dim));
        }

        QuantizeIfRead(_normed, from, to, quantize);
    }

    /// <summary>
    /// Quantizes rows a stage just wrote, on the thread that wrote them, where the next product reads int8: saves
    /// that product a pool dispatch of its own to quantize them.
    /// </summary>
    private static void QuantizeIfRead(Activations x, int from, int to, bool readsInt8)
    {
        if (readsInt8)
        {
            x.QuantizeRange(from, to);
        }
    }

    private void BiasRotateAndStore(int layer, int from, int to, int threadIndex)
    {
        var w = _weights.Layers[layer];
        for (var t = from; t < to; t++)
        {
            AddBias(_query, w.QueryBias, t);
            AddBias(_key, w.KeyBias, t);
            AddBias(_value, w.ValueBias, t);
        }

        RotateAndStore(layer, from, to, _keyHalf[threadIndex]);
    }

    private static void AddBias(float[] values, float[]? bias, int row)
    {
        if (bias is not null)
        {
            var span = values.AsSpan(row * bias.Length, bias.Length);
            TensorPrimitives.Add(span, bias, span);
        }
    }

    private void RotateAndStore(int layer, int from, int to, Half[] keyHalf)
    {
        var qDim = _hp.QueryDim;
        var kvDim = _hp.KvDim;
        for (var t = from; t < to; t++)
        {
            var pos = _tokenPosition[t];
            _rope.Apply(_query.AsSpan(t * qDim, qDim), pos);
            var key = _key.AsSpan(t * kvDim, kvDim);
            _rope.Apply(key, pos);
            var value = _value.AsSpan(t * kvDim, kvDim);
            var table = _chunkTables[_tokenChunk[t]].Span;
            var block = table[pos / _kv.BlockSize];
            var slot = pos % _kv.BlockSize;
            var bs = _kv.BlockSize;
            if (_kv.Type == KvCacheType.F16)
            {
                // Keys go into the block's dimension-major rows: one element per row at this slot.
                var half = keyHalf.AsSpan(0, kvDim);
                VectorOps.ConvertToHalf(key, half);
                _kv.NoteStored(half);
                var rows = (Half*)_kv.KeyBlock(layer, block) + slot;
                for (var e = 0; e < kvDim; e++)
                {
                    rows[(long)e * bs] = half[e];
                }

                var valueSlot = new Span<Half>(_kv.ValueSlot(layer, block, slot), kvDim);
                VectorOps.ConvertToHalf(value, valueSlot);
                _kv.NoteStored(valueSlot);
            }
            else
            {
                var rows = (float*)_kv.KeyBlock(layer, block) + slot;
                for (var e = 0; e < kvDim; e++)
                {
                    rows[(long)e * bs] = key[e];
                }

                value.CopyTo(new Span<float>(_kv.ValueSlot(layer, block, slot), kvDim));
            }
        }
    }

    /// <summary>
    /// Causal attention for the work items this thread claims. An item is one span (up to
    /// <see cref="AttentionTokensPerSpan"/> consecutive tokens of one chunk) and a group of its KV heads: a batch of
    /// few spans (single-sequence decode) is split by heads so every thread has a share. The item's keys and values are
    /// converted from the paged cache once for all its tokens: each key block is already dimension-major, so its rows
    /// for the item's heads are one contiguous conversion; values are converted row by row. Scores are then computed
    /// block by block straight from the converted blocks. A one-token span (a decode step) skips the copy and reads
    /// the fp16 cache itself (<see cref="AttendOneToken"/>). A query's scores and output are fixed-order FMA chains
    /// (<see cref="AttentionOps"/>), so they depend neither on the span, nor on the item split, nor on the batch.
    /// </summary>
    private void Attend(int layer, int threadIndex, int threadCount)
    {
        var hd = _hp.HeadDim;
        var kvDim = _hp.KvDim;
        var kvHeads = _hp.KvHeadCount;
        var headsPerKv = _hp.HeadCount / kvHeads;
        var blockSize = _kv.BlockSize;
        var blockFloats = (long)blockSize * kvDim;
        var parts = _attentionParts;
        var f16 = _kv.Type == KvCacheType.F16;
        var direct = ReadsCacheDirectly;
        var queries = stackalloc float*[AttentionOps.MaxGroupQueries];
        fixed (float* scores = _scores[threadIndex])
        fixed (float* keys = _keyScratch[threadIndex])
        fixed (float* values = _valueScratch[threadIndex])
        fixed (float* query = _query)
        fixed (nint* blocks = _blockAddresses[threadIndex])
        {
            // Items are partly claimed, not dealt: spans differ in length, and the two cores of a VM seldom run at one speed.
            var pieces = WorkPieces.ForItems(threadCount == 1 ? null : _pool, _attentionSpans.Count * parts, threadIndex, threadCount);
            while (pieces.NextItem(out var item))
            {
                var span = _attentionSpans[item / parts];
                var part = item % parts;
                var firstHead = part * kvHeads / parts;
                var endHead = (part + 1) * kvHeads / parts;
                if (_rowsInAttention)
                {
                    BiasRotateAndStore(layer, span.FirstToken, span.FirstToken + span.TokenCount, threadIndex);
                }

                if (direct && span.TokenCount == 1)
                {
                    fixed (float* output = _attention.Row(span.FirstToken))
                    {
                        AttendOneToken(layer, span.Chunk, span.FirstToken, firstHead, endHead, scores, query, blocks, output);
                    }

                    FinishRows(layer, span);
                    continue;
                }

                var columns = (endHead - firstHead) * hd;
                var firstColumn = firstHead * hd;
                var table = _chunkTables[span.Chunk].Span;
                var length = _tokenPosition[span.FirstToken + span.TokenCount - 1] + 1;
                for (var p0 = 0; p0 < length; p0 += blockSize)
                {
                    var block = table[p0 / blockSize];
                    var count = Math.Min(blockSize, length - p0);

                    // Key rows of the item's heads (unfilled slots come along; their scores are never read).
                    var keyRows = (long)firstColumn * blockSize;
                    var keyTarget = new Span<float>(keys + (p0 / blockSize * blockFloats) + keyRows, columns * blockSize);
                    var valueTarget = values + ((long)p0 * kvDim) + firstColumn;
                    if (f16)
                    {
                        var keyBlock = (Half*)_kv.KeyBlock(layer, block);
                        VectorOps.ConvertToSingle(new ReadOnlySpan<Half>(keyBlock + keyRows, keyTarget.Length), keyTarget);
                        if (columns == kvDim)
                        {
                            VectorOps.ConvertToSingle(new ReadOnlySpan<Half>(_kv.ValueSlot(layer, block, 0), count * kvDim), new Span<float>(valueTarget, count * kvDim));
                        }
                        else
                        {
                            for (var s = 0; s < count; s++)
                            {
                                VectorOps.ConvertToSingle(
                                    new ReadOnlySpan<Half>((Half*)_kv.ValueSlot(layer, block, s) + firstColumn, columns),
                                    new Span<float>(valueTarget + ((long)s * kvDim), columns));
                            }
                        }
                    }
                    else
                    {
                        var keyBlock = (float*)_kv.KeyBlock(layer, block);
                        new ReadOnlySpan<float>(keyBlock + keyRows, keyTarget.Length).CopyTo(keyTarget);
                        for (var s = 0; s < count; s++)
                        {
                            new ReadOnlySpan<float>((float*)_kv.ValueSlot(layer, block, s) + firstColumn, columns)
                                .CopyTo(new Span<float>(valueTarget + ((long)s * kvDim), columns));
                        }
                    }
                }

                // The (token, query head) pairs that read the same KV head score each key block together, up to four
                // at a time (one load of the keys for all of them): consecutive tokens of a prefill span, or the query
                // heads a grouped-query model shares per KV head in decode. Each pair then softmaxes and sums over its
                // own token's causal prefix.
                var spanTokens = span.TokenCount;
                for (var kvHead = firstHead; kvHead < endHead; kvHead++)
                {
                    var headKeys = keys + ((long)kvHead * hd * blockSize);
                    var pairs = spanTokens * headsPerKv;
                    for (var first = 0; first < pairs; first += AttentionOps.MaxGroupQueries)
                    {
                        var count = Math.Min(AttentionOps.MaxGroupQueries, pairs - first);
                        for (var i = 0; i < count; i++)
                        {
                            var (token, head) = Pair(span, kvHead, headsPerKv, first + i);
                            queries[i] = query + (token * _hp.QueryDim) + (head * hd);
                        }

                        // Pairs run token-major, so the last one has the longest prefix.
                        var groupVisible = _tokenPosition[Pair(span, kvHead, headsPerKv, first + count - 1).Token] + 1;
                        for (var p0 = 0; p0 < groupVisible; p0 += blockSize)
                        {
                            // Writes (and reads) up to KeyPadding positions: past the block they land on positions
                            // the next block overwrites, or past a token's visible prefix where nobody reads.
                            AttentionOps.ScoresGroup(
                                queries, count, headKeys + (p0 / blockSize * blockFloats), hd, blockSize,
                                Math.Min(blockSize, groupVisible - p0), _attentionScale, scores + p0, _scoreStride);
                        }

                        for (var i = 0; i < count; i++)
                        {
                            var (token, head) = Pair(span, kvHead, headsPerKv, first + i);
                            var visible = _tokenPosition[token] + 1;
                            var pairScores = scores + ((long)i * _scoreStride);
                            VectorOps.Softmax(new Span<float>(pairScores, visible));
                            fixed (float* output = _attention.Row(token))
                            {
                                AttentionOps.WeightedSum(pairScores, values + (kvHead * hd), hd, kvDim, visible, output + (head * hd));
                            }
                        }
                    }
                }

                FinishRows(layer, span);
            }
        }
    }

    /// <summary>Whether a decode token's attention reads the fp16 cache in place (<see cref="AttendOneToken"/>).</summary>
    private bool ReadsCacheDirectly =>
        _kv.Type == KvCacheType.F16 && AttentionOps.ReadsF16Directly && _kv.BlockSize % 16 == 0 && _hp.HeadDim % 16 == 0;

    /// <summary>
    /// A whole decode step for this thread's slice of the tokens (see <see cref="PlanSlices"/>) on this thread, every
    /// layer and the logits, while the other threads carry their own: at batch 16 a step split by weight rows joined the
    /// threads about a hundred times (each matrix, attention, each per-token stage), and the waits at those joins were
    /// about an eighth of the step. Each thread now reads every weight itself, which a tile of 8 tokens per thread
    /// keeps compute-bound (see <see cref="SliceMaxThreads"/>). A token goes through the same kernels, attention and
    /// quantization as on the split path, so it gets the same bits however the batch is sliced. A thread left without
    /// work takes pieces of the products the other is in (its logits included) and tokens of its attention
    /// (<see cref="SharedProduct"/>, <see cref="SharedAttention"/>).
    /// </summary>
    private void ForwardSlice(int threadIndex, int threadCount, float* logits, int logitsLength)
    {
        var from = _sliceStart[threadIndex];
        var to = _sliceStart[threadIndex + 1];
        var profile = threadIndex == 0 ? Profile : null;
        var mark = profile is null ? 0 : System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            ForwardSliceLayers(from, to, threadIndex, profile, ref mark);
            Lap(profile, ref mark, Phase.Other);

            // The slice's own logits, as a product the other thread can take pieces of. They were shared by output rows
            // over every token of the step, which read the output matrix once, not once per thread; but then the thread
            // whose layers ended first waited for the other's with only the pieces of their products and attention to
            // take, and the cores of this VM run 10-50 % apart for minutes at a time. Its own logits now fill that wait,
            // and the other's logits, taken from the back, even out the end (in-process A/B with the pieces of 256 rows
            // in SharedProduct, llama-134m Q4_0, alternating steps: batch 16 +5.4 %, median of 12 rounds, 1.007-1.078;
            // batch 12 +1.6 %, 0.98-1.05).
            _products[threadIndex].Run(_weights.Output, _finalNormed, logits, logitsLength, from, to, LogitsPieceRows);
        }
        catch
        {
            // The others must not wait for this slice: the pool rethrows this once every thread is back.
            Volatile.Write(ref _sliceDone[threadIndex * SliceFlagStride], SliceFailed);
            throw;
        }

        Volatile.Write(ref _sliceDone[threadIndex * SliceFlagStride], SliceDone);
        AwaitSlices(threadIndex, threadCount);
        Lap(profile, ref mark, Phase.MatMul);
    }

    /// <summary>Every layer, then the final norm, of tokens [<paramref name="from"/>, <paramref name="to"/>) (see <see cref="ForwardSlice"/>).</summary>
    private void ForwardSliceLayers(int from, int to, int threadIndex, ForwardProfile? profile, ref long mark)
    {
        var product = _products[threadIndex];
        var attention = _attentions[threadIndex];
        Rows(RowStage.AttentionNorm, 0, from, to, threadIndex);
        for (var layer = 0; layer < _hp.BlockCount; layer++)
        {
            var w = _weights.Layers[layer];
            Lap(profile, ref mark, Phase.Other);
            product.Run(w.Query, _normed, _query, from, to);
            product.Run(w.Key, _normed, _key, from, to);
            product.Run(w.Value, _normed, _value, from, to);
            Lap(profile, ref mark, Phase.MatMul);
            attention.Run(layer, from, to, threadIndex);
            QuantizeIfRead(_attention, from, to, ReadsInt8(w.Output));
            Lap(profile, ref mark, Phase.Attention);
            product.Run(w.Output, _attention, _projection, from, to);
            Lap(profile, ref mark, Phase.MatMul);
            Rows(RowStage.AddAndFeedForwardNorm, layer, from, to, threadIndex);
            Lap(profile, ref mark, Phase.Other);
            product.Run(w.Gate, _normed, _gate, from, to);
            product.Run(w.Up, _normed, _up, from, to);
            Lap(profile, ref mark, Phase.MatMul);
            Rows(RowStage.SiluMul, layer, from, to, threadIndex);
            Lap(profile, ref mark, Phase.Other);
            product.Run(w.Down, _hidden, _projection, from, to);
            Lap(profile, ref mark, Phase.MatMul);
            Rows(RowStage.AddAndAttentionNorm, layer, from, to, threadIndex);
        }

        // Every token of a sliced step is its own chunk and wants logits, so logits row t is token t.
        var dim = _hp.EmbeddingLength;
        var finalNormed = _finalNormed.Rows(from, to);
        for (var t = from; t < to; t++)
        {
            VectorOps.RmsNorm(_residual.AsSpan(t * dim, dim), _weights.OutputNorm, _hp.RmsEpsilon, finalNormed.Slice((t - from) * dim, dim));
        }

        QuantizeIfRead(_finalNormed, from, to, ReadsInt8(_weights.Output));
    }

    /// <summary>
    /// Returns once every other slice is done or failed (its thread rethrows through the pool), having taken pieces of
    /// the products (logits included) and tokens of the attention they are in meanwhile.
    /// </summary>
    private void AwaitSlices(int threadIndex, int threadCount)
    {
        var wait = default(SpinWait);
        var pending = true;
        while (pending)
        {
            pending = false;
            var helped = false;
            for (var k = 1; k < threadCount; k++)
            {
                var slice = (threadIndex + k) % threadCount;
                if (Volatile.Read(ref _sliceDone[slice * SliceFlagStride]) == 0)
                {
                    pending = true;
                    helped |= _products[slice].TryHelp(threadIndex) || _attentions[slice].TryHelp(threadIndex);
                }
            }

            if (pending && !helped)
            {
                wait.SpinOnce(sleep1Threshold: -1);
            }
        }
    }

    /// <summary>
    /// One token of a token-split step at one layer, on thread <paramref name="threadIndex"/> (its owner's or a helper's,
    /// see <see cref="SharedAttention"/>): biases, rotation and the cache store, then its attention from the cache.
    /// </summary>
    private void AttendSliceToken(int layer, int token, int threadIndex)
    {
        BiasRotateAndStore(layer, token, token + 1, threadIndex);
        fixed (float* scores = _scores[threadIndex])
        fixed (float* query = _query)
        fixed (nint* blocks = _blockAddresses[threadIndex])
        fixed (float* output = _attention.Row(token))
        {
            AttendOneToken(layer, _tokenChunk[token], token, 0, _hp.KvHeadCount, scores, query, blocks, output);
        }
    }

    /// <summary>
    /// When items finish their own rows (<see cref="_rowsInAttention"/>): quantizes a span's attention output for the
    /// output projection while it is in cache, on the thread that wrote it. Each item then covers its span's tokens
    /// whole (all heads), so the rows are final here. With the rotation at the item's start, this saves a decode step
    /// two pool dispatches per layer, and the waits at their joins.
    /// </summary>
    private void FinishRows(int layer, AttentionSpan span)
    {
        if (_rowsInAttention && ReadsInt8(_weights.Layers[layer].Output))
        {
            _attention.QuantizeRange(span.FirstToken, span.FirstToken + span.TokenCount);
        }
    }

    /// <summary>
    /// One token's attention over KV heads [firstHead, endHead), read straight from the fp16 cache: a decode step
    /// reads each cached key and value once, so widening them in registers (<see cref="AttentionOps.ScoresF16"/>)
    /// spares a store and a reload of the whole history into scratch. The history is walked a pass of blocks at a
    /// time for all the item's heads, keys first (every head's scores), then, after each head's softmax, values, so a
    /// pass's blocks are read together instead of the whole history once per head (context 512, batch 16: +18 % in an
    /// in-process A/B; no change at short contexts, one pass). Each score and output element is the same chain as on
    /// the scratch path (a weighted sum continues from where the previous pass left it), so a token gets the same bits
    /// whether its chunk was one token or a prefill span. Until the cache has held an Inf or NaN it is widened by the
    /// finite-only form (<see cref="PagedKvStorage.HoldsNonFinite"/>): the same bits, and at context 384 batch-16
    /// decode ran 7 % faster for it.
    /// </summary>
    private void AttendOneToken(int layer, int chunk, int token, int firstHead, int endHead, float* scores, float* query, nint* blocks, float* output)
    {
        var hd = _hp.HeadDim;
        var headsPerKv = _hp.HeadCount / _hp.KvHeadCount;
        var blockSize = _kv.BlockSize;
        var visible = _tokenPosition[token] + 1;
        var blockCount = (visible + blockSize - 1) / blockSize;
        var table = _chunkTables[chunk].Span;
        var keyBlocks = (ushort**)blocks;
        var valueBlocks = (ushort**)(blocks + blockCount);
        var finite = !_kv.HoldsNonFinite;
        for (var b = 0; b < blockCount; b++)
        {
            keyBlocks[b] = (ushort*)_kv.KeyBlock(layer, table[b]);
            valueBlocks[b] = (ushort*)_kv.ValueSlot(layer, table[b], 0);
        }

        // Blocks per pass: the score kernel takes 64 positions at once.
        var passBlocks = Math.Max(1, AttentionOps.ScoreRunPositions / blockSize);
        var queries = stackalloc float*[AttentionOps.MaxGroupQueries];
        var weights = stackalloc float*[AttentionOps.MaxGroupQueries];
        var outputs = stackalloc float*[AttentionOps.MaxGroupQueries];
        var firstQueryHead = firstHead * headsPerKv;

        // Phase 0 scores every head pass by pass; phase 1, after each head's softmax, sums the values the same way.
        for (var phase = 0; phase < 2; phase++)
        {
            var values = phase == 1;
            if (values)
            {
                for (var head = firstQueryHead; head < endHead * headsPerKv; head++)
                {
                    VectorOps.Softmax(new Span<float>(scores + ((long)(head - firstQueryHead) * _scoreStride), visible));
                }
            }

            for (var b0 = 0; b0 < blockCount; b0 += passBlocks)
            {
                var p0 = b0 * blockSize;
                var length = Math.Min(passBlocks * blockSize, visible - p0);
                for (var kvHead = firstHead; kvHead < endHead; kvHead++)
                {
                    PrefetchNext(values ? valueBlocks : keyBlocks, blockCount, b0, passBlocks, kvHead, firstHead, endHead, visible, keys: !values);
                    for (var first = 0; first < headsPerKv; first += AttentionOps.MaxGroupQueries)
                    {
                        var count = Math.Min(AttentionOps.MaxGroupQueries, headsPerKv - first);
                        var head = (kvHead * headsPerKv) + first;
                        for (var i = 0; i < count; i++)
                        {
                            queries[i] = query + (token * _hp.QueryDim) + ((head + i) * hd);
                            weights[i] = scores + ((long)(head + i - firstQueryHead) * _scoreStride) + p0;
                            outputs[i] = output + ((head + i) * hd);
                        }

                        if (values)
                        {
                            AttentionOps.WeightedSumF16(
                                weights, count, valueBlocks + b0, (nint)kvHead * hd, blockSize, _hp.KvDim, hd, length, outputs, accumulate: b0 > 0, cacheIsFinite: finite);
                        }
                        else
                        {
                            AttentionOps.ScoresF16(
                                queries, count, keyBlocks + b0, (nint)kvHead * hd * blockSize, blockSize, hd, length, _attentionScale, weights[0], _scoreStride, cacheIsFinite: finite);
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Asks for what the pass reads after this KV head: the next head's keys (or values) in the same blocks, or after
    /// the last head the first head's in the next pass's blocks. A decode step reads every sequence's history from
    /// memory in pieces of a few hundred bytes per block and head that the hardware prefetcher does not run ahead of.
    /// </summary>
    private void PrefetchNext(ushort** blocks, int blockCount, int b0, int passBlocks, int kvHead, int firstHead, int endHead, int visible, bool keys)
    {
        // Keys of a history longer than one pass are left to the hardware prefetcher: a block's key rows for all heads
        // are one contiguous run, which it streams, and asking for them too cost batch-16 decode 2 % at contexts
        // 64-96, 5 % at 128-160 and 7 % at 384-416, while within one pass asking still gains 4 % (in-process A/B).
        // The values, a strided row per slot, are asked for at every length (10 % at 384 without).
        if (!Sse.IsSupported || (keys && blockCount > passBlocks))
        {
            return;
        }

        if (kvHead + 1 < endHead)
        {
            kvHead++;
        }
        else
        {
            kvHead = firstHead;
            b0 += passBlocks;
        }

        var hd = _hp.HeadDim;
        var blockSize = _kv.BlockSize;
        for (var b = b0; b < Math.Min(blockCount, b0 + passBlocks); b++)
        {
            if (keys)
            {
                var rows = (byte*)(blocks[b] + ((nint)kvHead * hd * blockSize));
                for (var o = 0; o < hd * blockSize * sizeof(ushort); o += 64)
                {
                    Sse.Prefetch0(rows + o);
                }

                continue;
            }

            var values = (byte*)(blocks[b] + ((nint)kvHead * hd));
            var slots = Math.Min(blockSize, visible - (b * blockSize));
            for (var slot = 0; slot < slots; slot++)
            {
                for (var o = 0; o < hd * sizeof(ushort); o += 64)
                {
                    Sse.Prefetch0(values + ((nint)slot * _hp.KvDim * sizeof(ushort)) + o);
                }
            }
        }
    }

    /// <summary>Pair <paramref name="index"/> of a span's (token, query head) pairs on one KV head, token-major.</summary>
    private static (int Token, int Head) Pair(AttentionSpan span, int kvHead, int headsPerKv, int index) =>
        (span.FirstToken + (index / headsPerKv), (kvHead * headsPerKv) + (index % headsPerKv));

    private void ComputeLogits(ReadOnlySpan<SequenceChunk> chunks, Span<float> logits)
    {
        var dim = _hp.EmbeddingLength;
        var row = 0;
        var wanted = 0;
        foreach (var chunk in chunks)
        {
            row += chunk.Tokens.Length;
            if (chunk.ComputeLogits)
            {
                VectorOps.RmsNorm(_residual.AsSpan((row - 1) * dim, dim), _weights.OutputNorm, _hp.RmsEpsilon, _finalNormed.Row(wanted));
                wanted++;
            }
        }

        if (wanted == 0)
        {
            return;
        }

        _finalNormed.SetCount(wanted);
        MatMul.Multiply(_weights.Output, _finalNormed, logits[..(wanted * _hp.VocabSize)], _pool);
    }

    private static void Lap(ForwardProfile? profile, ref long mark, Phase phase)
    {
        if (profile is null)
        {
            return;
        }

        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        var elapsed = now - mark;
        mark = now;
        switch (phase)
        {
            case Phase.MatMul: profile.AddMatMul(elapsed); break;
            case Phase.Attention: profile.AddAttention(elapsed); break;
            default: profile.AddOther(elapsed); break;
        }
    }

    private static long MatrixBytes(in WeightMatrix m) => m.Packed?.ByteSize ?? GgmlTypeTraits.RowBytes(m.Type, m.Cols) * m.Rows;

    private static string DescribeWeightTypes(GgufFile file) =>
        string.Join(", ", file.Tensors
            .GroupBy(t => t.Type)
            .OrderByDescending(g => g.Sum(t => t.ByteSize))
            .Select(g => $"{GgmlTypeTraits.Name(g.Key)} x{g.Count()}"));

    private enum Phase
    {
        MatMul,
        Attention,
        Other,
    }

    private enum RowStage
    {
        /// <summary>The first layer's attention norm of the embeddings.</summary>
        AttentionNorm,
        BiasRotateAndStore,

        /// <summary>The attention output added to the residual, then the layer's feed-forward norm.</summary>
        AddAndFeedForwardNorm,
        SiluMul,

        /// <summary>The feed-forward output added to the residual, then the next layer's attention norm.</summary>
        AddAndAttentionNorm,
    }

    /// <summary>Contiguous token ranges per thread for a per-token stage.</summary>
    private readonly struct RowWork(LlamaModelRunner runner, RowStage stage, int layer, int tokens) : IComputeWork
    {
        public void Execute(int threadIndex, int threadCount) =>
            runner.Rows(stage, layer, tokens * threadIndex / threadCount, tokens * (threadIndex + 1) / threadCount, threadIndex);
    }

    /// <summary>The planned token range of each thread, carried through the whole step (see <see cref="ForwardSlice"/>).</summary>
    private readonly struct SliceWork(LlamaModelRunner runner, float* logits, int logitsLength) : IComputeWork
    {
        public void Execute(int threadIndex, int threadCount) => runner.ForwardSlice(threadIndex, threadCount, logits, logitsLength);
    }

    private readonly struct AttentionWork(LlamaModelRunner runner, int layer) : IComputeWork
    {
        public void Execute(int threadIndex, int threadCount) => runner.Attend(layer, threadIndex, threadCount);
    }

    /// <summary>Consecutive tokens of one chunk that share one gathered copy of their keys and values.</summary>
    private readonly record struct AttentionSpan(int Chunk, int FirstToken, int TokenCount);

    /// <summary>Items claimed one at a time by whichever pool thread is free (see <see cref="For"/>).</summary>
    private readonly struct EachItemWork(ComputePool pool, int count, Action<int> body) : IComputeWork
    {
        public void Execute(int threadIndex, int threadCount)
        {
            int item;
            while ((item = pool.ClaimNext()) < count)
            {
                body(item);
            }
        }
    }
}

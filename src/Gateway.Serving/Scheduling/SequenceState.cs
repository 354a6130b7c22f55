using System.Threading.Channels;
using Gateway.Inference;
using Gateway.Sampling;
using Gateway.Serving.Diagnostics;
using Gateway.Serving.KvCache;

namespace Gateway.Serving.Scheduling;

/// <summary>
/// Everything the scheduler loop keeps about one request: its tokens (prompt then generated), how many of them have KV
/// entries, its block table, and the per-request sampler, detokenizer and stop matcher. Created on the submitting thread,
/// then touched only by the loop. Survives preemption intact, so a recomputed sequence continues exactly where it was.
/// </summary>
internal sealed class SequenceState
{
    private static long s_lastSequenceId;

    private readonly int[] _tokens;
    private readonly Channel<GenerationEvent> _events = Channel.CreateUnbounded<GenerationEvent>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    public SequenceState(
        GenerationRequest request,
        long arrivalOrder,
        int maxTotalTokens,
        int blockSize,
        ITokenizer tokenizer,
        int vocabSize,
        RequestTimeline timeline,
        CancellationToken cancellation)
    {
        Request = request;
        ArrivalOrder = arrivalOrder;
        MaxTotalTokens = maxTotalTokens;
        Timeline = timeline;
        Cancellation = cancellation;
        PromptLength = request.PromptTokens.Length;
        _tokens = new int[maxTotalTokens];
        request.PromptTokens.CopyTo(_tokens, 0);
        TokenCount = PromptLength;
        Blocks = new SequenceBlocks((maxTotalTokens + blockSize - 1) / blockSize);
        Sampler = new Sampler(request.Sampling, vocabSize, request.PromptTokens);
        Detokenizer = tokenizer.CreateStreamingDetokenizer();
        Stops = new StopSequenceMatcher(request.StopSequences);
        Stream = new GenerationStream(request.RequestId, PromptLength, _events.Reader);
    }

    public GenerationRequest Request { get; }

    public string RequestId => Request.RequestId;

    public int Priority => Request.Priority;

    /// <summary>Submit order: ties within a priority class are broken by it (FIFO).</summary>
    public long ArrivalOrder { get; }

    /// <summary>
    /// Unique in the process, warm-up sequences included (their arrival orders restart at 1): the engine may key
    /// per-sequence state on it (<see cref="SequenceChunk.SequenceId"/>).
    /// </summary>
    public long SequenceId { get; } = Interlocked.Increment(ref s_lastSequenceId);

    public CancellationToken Cancellation { get; }

    public RequestTimeline Timeline { get; }

    public GenerationStream Stream { get; }

    public SequenceStatus Status { get; set; } = SequenceStatus.Waiting;

    /// <summary>Prompt plus generated tokens this sequence may reach (max_tokens, context length, KV pool).</summary>
    public int MaxTotalTokens { get; }

    public int PromptLength { get; }

    public int TokenCount { get; private set; }

    public int GeneratedCount => TokenCount - PromptLength;

    /// <summary>Leading tokens whose KV entries are in this sequence's blocks.</summary>
    public int NumComputedTokens { get; set; }

    /// <summary>Prompt tokens the prefix cache supplied when the request was first scheduled.</summary>
    public int CachedPromptTokens { get; set; }

    /// <summary>Tokens scheduled for the step being planned or run; 0 when not in it.</summary>
    public int ScheduledTokens { get; set; }

    /// <summary>Whether the request still counts against the admission limits (it has never been scheduled).</summary>
    public bool CountsAsQueued { get; set; } = true;

    public SequenceBlocks Blocks { get; }

    /// <summary>A start-up warm-up sequence: it runs the real path but counts in no metric and no queue limit.</summary>
    public bool IsWarmup { get; init; }

    /// <summary>Time to first token admission predicted for this request; NaN when it made none.</summary>
    public double PredictedTtftSeconds { get; set; } = double.NaN;

    public Sampler Sampler { get; }

    public StreamingDetokenizer Detokenizer { get; }

    public StopSequenceMatcher Stops { get; }

    public ReadOnlySpan<int> Tokens => _tokens.AsSpan(0, TokenCount);

    public ReadOnlyMemory<int> TokenRange(int start, int length) => _tokens.AsMemory(start, length);

    public void AppendToken(int tokenId) => _tokens[TokenCount++] = tokenId;

    public void Emit(GenerationEvent generationEvent) => _events.Writer.TryWrite(generationEvent);

    public void CompleteStream() => _events.Writer.TryComplete();
}

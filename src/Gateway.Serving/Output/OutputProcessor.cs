using System.Diagnostics;
using Gateway.Inference;
using Gateway.Sampling;
using Gateway.Serving.Diagnostics;
using Gateway.Serving.Queue;
using Gateway.Serving.Scheduling;
using Microsoft.Extensions.Logging;

namespace Gateway.Serving.Output;

/// <summary>
/// Turns a step's logits into what requests see: samples the next token, detokenizes it, matches stop strings, streams
/// the event and completes finished requests (freeing their blocks), and records the per-request latency figures.
/// Kept apart from the step loop, as vLLM keeps output processing apart from <c>EngineCore.step</c>. Runs on the loop
/// thread, which may hand a step's draws to other threads (<see cref="ParallelSamplingRows"/>); not thread-safe.
/// </summary>
internal sealed class OutputProcessor
{
    private readonly Scheduler _scheduler;
    private readonly RequestQueue _queue;
    private readonly ServingMetrics _metrics;
    private readonly ILogger _logger;
    private readonly IReadOnlySet<int> _endOfGeneration;
    private readonly int _vocabSize;
    private readonly List<SequenceState> _failed = [];

    // Generated tokens of the current step, recorded once per step: the counter and the demand gauge's lock are per-step
    // work, not per-token work.
    private int _generatedThisStep;

    private readonly IComputeThreads? _computeThreads;
    private readonly Action<int> _sampleRow;

    // The step's rows: the sequence that owns each logits row, and what its sampler drew (or threw).
    private SequenceState[] _rowSequences = [];
    private SampledToken[] _rowTokens = [];
    private Exception?[] _rowErrors = [];
    private Memory<float> _stepLogits;

    public OutputProcessor(
        Scheduler scheduler, RequestQueue queue, ServingMetrics metrics, IReadOnlySet<int> endOfGeneration, int vocabSize, IComputeThreads? computeThreads, ILogger logger)
    {
        _computeThreads = computeThreads;
        _scheduler = scheduler;
        _queue = queue;
        _metrics = metrics;
        _endOfGeneration = endOfGeneration;
        _vocabSize = vocabSize;
        _logger = logger;
        _sampleRow = SampleRow;
    }

    /// <summary>
    /// Steps with at least this many rows to draw at a temperature draw them on several threads: a 32,000-token draw
    /// takes 20-100 us (SamplerBenchmarks), so at batch 16 one thread held the next forward pass back by up to 3 ms a
    /// step while the compute pool's other threads waited. Greedy rows are cheaper than handing them out.
    /// </summary>
    internal const int ParallelSamplingRows = 4;

    /// <summary>Marks the end of a sequence's time in the queue, the first time it is part of a step.</summary>
    public void OnFirstScheduled(SequenceState sequence, long now)
    {
        var timeline = sequence.Timeline;
        timeline.FirstScheduled = now;
        if (sequence.IsWarmup)
        {
            return;
        }

        _metrics.RecordScheduled(RequestTimeline.Seconds(timeline.Enqueued, now));
        ServingTelemetry.RecordSpan(ServingTelemetry.QueueSpan, timeline, sequence.RequestId, timeline.Enqueued, now);
    }

    /// <summary>
    /// Handles the outputs of a step whose computed-token counts the scheduler has already advanced: every sequence that
    /// is now fully computed owns the next logits row (in plan order) and gets its next token.
    /// </summary>
    public void Process(StepPlan plan, Memory<float> logits)
    {
        var rows = 0;
        var sampledRows = 0;
        EnsureRows(plan.Count);
        for (var i = 0; i < plan.Count; i++)
        {
            var sequence = plan.Chunks[i].Sequence;
            if (sequence.NumComputedTokens == sequence.TokenCount)
            {
                _rowSequences[rows++] = sequence;
                sampledRows += sequence.Request.Sampling.Temperature > 0 ? 1 : 0;
            }
        }

        // Each sequence's sampler is its own, so rows can be drawn side by side; what follows a draw (text, stop
        // strings, streaming, completion) stays on this thread, in plan order.
        _stepLogits = logits;
        if (sampledRows >= ParallelSamplingRows && _computeThreads is not null)
        {
            _computeThreads.For(rows, _sampleRow);
        }
        else
        {
            for (var row = 0; row < rows; row++)
            {
                SampleRow(row);
            }
        }

        _stepLogits = default;
        for (var row = 0; row < rows; row++)
        {
            var sequence = _rowSequences[row];
            if (_rowErrors[row] is { } samplingError)
            {
                _rowErrors[row] = null;
                ServingLog.RequestFailed(_logger, samplingError, sequence.RequestId);
                _failed.Add(sequence);
                continue;
            }

            try
            {
                AcceptToken(sequence, _rowTokens[row]);
            }
            catch (Exception exception)
            {
                ServingLog.RequestFailed(_logger, exception, sequence.RequestId);
                _failed.Add(sequence);
            }
        }

        Array.Clear(_rowSequences, 0, rows);

        // Finishing changes the running list, so failed sequences are finished after the walk.
        foreach (var failed in _failed)
        {
            if (failed.Status != SequenceStatus.Finished)
            {
                Complete(failed, FinishReason.Error, string.Empty, [], [], "The request failed while processing its output.");
            }
        }

        _failed.Clear();
        FlushGeneratedTokens();
    }

    /// <summary>Records the step's generated tokens so far; also called before a completion, so whoever sees a request
    /// finish also sees its tokens counted.</summary>
    private void FlushGeneratedTokens()
    {
        if (_generatedThisStep > 0)
        {
            _metrics.RecordGeneratedTokens(_generatedThisStep);
            _generatedThisStep = 0;
        }
    }

    /// <summary>Ends every sequence in <paramref name="sequences"/> without further text, then clears the list.</summary>
    public void CompleteAll(List<SequenceState> sequences, FinishReason finish, string? error)
    {
        foreach (var sequence in sequences)
        {
            // Held-back text is dropped: nobody waits for the rest of a cancelled or failed generation.
            Complete(sequence, finish, string.Empty, [], [], error);
        }

        sequences.Clear();
    }

    private void EnsureRows(int count)
    {
        if (_rowSequences.Length < count)
        {
            _rowSequences = new SequenceState[count];
            _rowTokens = new SampledToken[count];
            _rowErrors = new Exception?[count];
        }
    }

    /// <summary>Draws row <paramref name="row"/>'s token from its logits (on any thread; one sampler per row).</summary>
    private void SampleRow(int row)
    {
        try
        {
            _rowTokens[row] = _rowSequences[row].Sampler.Sample(_stepLogits.Span.Slice(row * _vocabSize, _vocabSize));
        }
        catch (Exception exception)
        {
            _rowErrors[row] = exception;
        }
    }

    /// <summary>Takes the drawn token, turns it into text and decides whether the request is done.</summary>
    private void AcceptToken(SequenceState sequence, SampledToken sampled)
    {
        RecordTokenTiming(sequence, Stopwatch.GetTimestamp());
        sequence.AppendToken(sampled.Id);

        FinishReason? finish = null;
        var text = string.Empty;
        var endOfGeneration = !sequence.Request.Sampling.IgnoreEos && _endOfGeneration.Contains(sampled.Id);
        if (endOfGeneration)
        {
            finish = FinishReason.Stop;
        }
        else
        {
            text = sequence.Stops.Append(sequence.Detokenizer.Append(sampled.Id), out var stopped);
            if (stopped)
            {
                finish = FinishReason.Stop;
            }
            else if (sequence.TokenCount >= sequence.MaxTotalTokens)
            {
                finish = FinishReason.Length;
            }
        }

        int[] ids = endOfGeneration ? [] : [sampled.Id];
        SampledToken[] tokens = endOfGeneration ? [] : [sampled];
        if (finish is null)
        {
            sequence.Emit(new GenerationEvent(text, ids, tokens, null, null, null));
            return;
        }

        if (!(finish == FinishReason.Stop && !endOfGeneration))
        {
            // Ended by EOS or length: release what was held back (an incomplete character, a possible stop prefix),
            // unless that very tail completes a stop string.
            text += sequence.Stops.Append(sequence.Detokenizer.Flush(), out var stoppedByTail);
            if (!stoppedByTail)
            {
                text += sequence.Stops.Flush();
            }
        }

        Complete(sequence, finish.Value, text, ids, tokens, error: null);
    }

    private void RecordTokenTiming(SequenceState sequence, long now)
    {
        var timeline = sequence.Timeline;
        var first = timeline.FirstToken == 0;
        if (first)
        {
            // Its prompt stops counting as work ahead of new arrivals only once it is fully prefilled: a long prompt
            // mid-way through chunked prefill still delays everyone behind it, and admission must see that.
            _queue.MarkNoLongerQueued(sequence);
            timeline.FirstToken = now;
        }

        var previous = timeline.LastToken;
        timeline.LastToken = now;
        if (sequence.IsWarmup)
        {
            return;
        }

        if (first)
        {
            var ttft = RequestTimeline.Seconds(timeline.Enqueued, now);
            _metrics.RecordTimeToFirstToken(ttft);
            if (!double.IsNaN(sequence.PredictedTtftSeconds))
            {
                _metrics.RecordTtftPredictionError(ttft - sequence.PredictedTtftSeconds);
            }

            _metrics.RecordPrefill(RequestTimeline.Seconds(timeline.FirstScheduled, now));
            ServingTelemetry.RecordSpan(ServingTelemetry.PrefillSpan, timeline, sequence.RequestId, timeline.FirstScheduled, now);
        }
        else
        {
            _metrics.RecordInterTokenLatency(RequestTimeline.Seconds(previous, now));
        }

        _generatedThisStep++;
    }

    /// <summary>Ends a request: frees its blocks, sends the final event and closes its stream.</summary>
    private void Complete(SequenceState sequence, FinishReason finish, string text, int[] ids, SampledToken[] tokens, string? error)
    {
        FlushGeneratedTokens();
        if (sequence.Status != SequenceStatus.Finished)
        {
            _scheduler.Finish(sequence);
        }

        var timeline = sequence.Timeline;
        var now = Stopwatch.GetTimestamp();
        timeline.Finished = now;
        if (!sequence.IsWarmup)
        {
            var decodeStart = timeline.FirstToken == 0 ? now : timeline.FirstToken;
            _metrics.RecordFinished(RequestTimeline.Seconds(timeline.Enqueued, now), RequestTimeline.Seconds(decodeStart, now), sequence.PromptLength);
            if (timeline.FirstToken != 0)
            {
                ServingTelemetry.RecordSpan(ServingTelemetry.DecodeSpan, timeline, sequence.RequestId, timeline.FirstToken, now);
            }
        }

        var usage = new GenerationUsage(sequence.PromptLength, sequence.GeneratedCount, sequence.CachedPromptTokens);
        sequence.Emit(new GenerationEvent(text, ids, tokens, finish, usage, error));
        sequence.CompleteStream();
        if (!sequence.IsWarmup)
        {
            _queue.MarkCompleted(sequence);
            ServingLog.RequestFinished(_logger, sequence.RequestId, finish, sequence.PromptLength, sequence.CachedPromptTokens, sequence.GeneratedCount);
        }
    }
}

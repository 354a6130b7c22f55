using System.Diagnostics;
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
/// thread; not thread-safe.
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

    public OutputProcessor(Scheduler scheduler, RequestQueue queue, ServingMetrics metrics, IReadOnlySet<int> endOfGeneration, int vocabSize, ILogger logger)
    {
        _scheduler = scheduler;
        _queue = queue;
        _metrics = metrics;
        _endOfGeneration = endOfGeneration;
        _vocabSize = vocabSize;
        _logger = logger;
    }

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
    public void Process(StepPlan plan, Span<float> logits)
    {
        var row = 0;
        for (var i = 0; i < plan.Count; i++)
        {
            var sequence = plan.Chunks[i].Sequence;
            if (sequence.NumComputedTokens != sequence.TokenCount)
            {
                continue;
            }

            var rowLogits = logits.Slice(row++ * _vocabSize, _vocabSize);
            try
            {
                AcceptToken(sequence, rowLogits);
            }
            catch (Exception exception)
            {
                ServingLog.RequestFailed(_logger, exception, sequence.RequestId);
                _failed.Add(sequence);
            }
        }

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

    /// <summary>Samples the next token, turns it into text and decides whether the request is done.</summary>
    private void AcceptToken(SequenceState sequence, Span<float> logits)
    {
        var sampled = sequence.Sampler.Sample(logits);
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

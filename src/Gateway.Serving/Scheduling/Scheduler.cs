using Gateway.Serving.Diagnostics;
using Gateway.Serving.KvCache;
using Microsoft.Extensions.Logging;

namespace Gateway.Serving.Scheduling;

/// <summary>
/// Continuous batching over token counts and block ids. There are no prefill and decode phases: every running sequence's
/// computed-token count catches up with its token count within one per-step token budget. Decode tokens go first so
/// running generations never stall behind a long prompt, whose prefill is instead split across steps (chunked prefill).
/// When KV blocks run out, the lowest-priority, most recently arrived running sequence is preempted and later recomputed.
/// Owned by the scheduler loop; not thread-safe.
/// </summary>
internal sealed class Scheduler
{
    private readonly KvCacheManager _kv;
    private readonly int _tokenBudget;
    private readonly int _maxRunning;
    private readonly ServingMetrics _metrics;
    private readonly ILogger _logger;
    private readonly WaitingQueue _waiting = new();

    // Kept sorted by scheduling preference (priority descending, then arrival), so the preemption victim is the last.
    private readonly List<SequenceState> _running;
    private readonly StepPlan _plan;

    public Scheduler(KvCacheManager kv, int tokenBudget, int maxRunning, ServingMetrics metrics, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tokenBudget, maxRunning);
        _kv = kv;
        _tokenBudget = tokenBudget;
        _maxRunning = maxRunning;
        _metrics = metrics;
        _logger = logger;
        _running = new List<SequenceState>(maxRunning);
        _plan = new StepPlan(maxRunning);
    }

    public KvCacheManager Kv => _kv;

    public int TokenBudget => _tokenBudget;

    public int MaxRunning => _maxRunning;

    public int WaitingCount => _waiting.Count;

    public int RunningCount => _running.Count;

    public bool HasWork => _running.Count > 0 || _waiting.Count > 0;

    public long Preemptions { get; private set; }

    public IReadOnlyList<SequenceState> Running => _running;

    public void AddWaiting(SequenceState sequence)
    {
        sequence.Status = SequenceStatus.Waiting;
        _waiting.Enqueue(sequence);
    }

    /// <summary>Plans the next step. The returned plan is valid until the next call.</summary>
    public StepPlan Schedule()
    {
        _plan.Clear();
        var budget = _tokenBudget;
        var preempted = false;

        // Decodes first (one token each), then the running sequences' outstanding prefill chunks.
        budget = ScheduleRunning(decodes: true, budget, ref preempted);
        budget = ScheduleRunning(decodes: false, budget, ref preempted);

        // A step that had to preempt is short of blocks: admitting new work would only cause more preemption.
        if (!preempted)
        {
            ScheduleWaiting(budget);
        }

        return _plan;
    }

    /// <summary>
    /// Takes in a step that ran: every scheduled sequence now has KV entries for its chunk, and its newly full blocks
    /// become shareable prefixes. Call before the step's outputs are processed.
    /// </summary>
    public void Advance(StepPlan plan)
    {
        for (var i = 0; i < plan.Count; i++)
        {
            var (sequence, numTokens) = plan.Chunks[i];
            sequence.NumComputedTokens += numTokens;
            _kv.CacheFullBlocks(sequence.Blocks, sequence.Tokens, sequence.NumComputedTokens);
        }
    }

    /// <summary>Removes a sequence (running or waiting) for good and frees its blocks; cached full blocks stay shareable.</summary>
    public void Finish(SequenceState sequence)
    {
        if (sequence.Status == SequenceStatus.Running)
        {
            _running.Remove(sequence);
        }

        _kv.Free(sequence.Blocks);
        sequence.Status = SequenceStatus.Finished;
    }

    /// <summary>Takes every waiting sequence matching <paramref name="predicate"/> out of the queue (they hold no blocks).</summary>
    public void RemoveWaiting(Func<SequenceState, bool> predicate, List<SequenceState> removed)
    {
        var start = removed.Count;
        _waiting.RemoveWhere(predicate, removed);
        for (var i = start; i < removed.Count; i++)
        {
            removed[i].Status = SequenceStatus.Finished;
        }
    }

    private int ScheduleRunning(bool decodes, int budget, ref bool preempted)
    {
        for (var i = 0; i < _running.Count && budget > 0; i++)
        {
            var sequence = _running[i];
            var remaining = sequence.TokenCount - sequence.NumComputedTokens;
            if (sequence.ScheduledTokens > 0 || remaining <= 0 || (remaining == 1) != decodes)
            {
                continue;
            }

            var numTokens = Math.Min(remaining, budget);
            while (!_kv.TryAllocateSlots(sequence.Blocks, sequence.NumComputedTokens + numTokens))
            {
                var victim = _running[^1];
                if (ReferenceEquals(victim, sequence) && _running.Count == 1)
                {
                    // Submit-time limits cap every sequence at the pool's capacity, so a lone sequence always fits.
                    throw new InvalidOperationException($"Request {sequence.RequestId} does not fit the KV pool on its own.");
                }

                budget += victim.ScheduledTokens;
                Preempt(victim);
                preempted = true;
                if (ReferenceEquals(victim, sequence))
                {
                    break;
                }
            }

            if (sequence.Status != SequenceStatus.Running)
            {
                // The sequence preempted itself; whatever followed it in the list was preempted before it.
                break;
            }

            _plan.Add(sequence, numTokens);
            budget -= numTokens;
        }

        return budget;
    }

    private void ScheduleWaiting(int budget)
    {
        while (budget > 0 && _running.Count < _maxRunning && _waiting.Peek() is { } sequence)
        {
            var firstTime = sequence.CountsAsQueued;
            var computed = _kv.GetComputedBlocks(sequence.Blocks, sequence.Tokens);
            var numTokens = Math.Min(sequence.TokenCount - computed, budget);
            if (!_kv.TryAllocateSlots(sequence.Blocks, computed + numTokens))
            {
                // Head-of-line: keep FIFO order within the class rather than let smaller requests overtake forever.
                _kv.Free(sequence.Blocks);
                return;
            }

            if (firstTime && !sequence.IsWarmup)
            {
                _metrics.RecordPrefixLookup(sequence.TokenCount, computed);
                sequence.CachedPromptTokens = computed;
            }

            sequence.NumComputedTokens = computed;
            _waiting.RemoveHead(sequence);
            InsertRunning(sequence);
            _plan.Add(sequence, numTokens);
            budget -= numTokens;
        }
    }

    private void Preempt(SequenceState victim)
    {
        _plan.Remove(victim);
        _running.Remove(victim);
        _kv.Free(victim.Blocks);
        victim.NumComputedTokens = 0;
        victim.Status = SequenceStatus.Waiting;
        _waiting.PushFront(victim);
        Preemptions++;
        _metrics.RecordPreemption();
        ServingLog.SequencePreempted(_logger, victim.RequestId, victim.TokenCount);
    }

    private void InsertRunning(SequenceState sequence)
    {
        sequence.Status = SequenceStatus.Running;
        var index = _running.Count;
        while (index > 0 && RunsBefore(sequence, _running[index - 1]))
        {
            index--;
        }

        _running.Insert(index, sequence);
    }

    private static bool RunsBefore(SequenceState a, SequenceState b) =>
        a.Priority != b.Priority ? a.Priority > b.Priority : a.ArrivalOrder < b.ArrivalOrder;
}

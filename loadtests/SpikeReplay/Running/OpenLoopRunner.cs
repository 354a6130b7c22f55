using SpikeReplay.Client;
using SpikeReplay.Prompts;
using SpikeReplay.Scenarios;

namespace SpikeReplay.Running;

/// <summary>
/// Open-model dispatcher: each planned request is sent at its scheduled offset whether or not earlier ones have been
/// answered, which is what a crowd of independent users does. A closed loop would slow down exactly when the server
/// does and hide the overload a spike is meant to show. Over the in-flight cap, arrivals are recorded as dropped.
/// </summary>
internal sealed class OpenLoopRunner(StreamingCompletionClient client, RunSettings settings, LiveCounters counters)
{
    /// <summary>Below this, waiting is done by yielding; Task.Delay's timer granularity would make arrivals late.</summary>
    private const double SpinThresholdMilliseconds = 2.0;

    public async Task<RunResult> RunAsync(LoadPlan plan, CancellationToken cancellation)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var clock = new RunClock();
        var records = new RequestRecord?[plan.Requests.Count];
        var pending = new List<Task>(plan.Requests.Count);
        using var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        foreach (var request in plan.Requests)
        {
            if (!await WaitUntilAsync(clock, request.OffsetMilliseconds, cancellation).ConfigureAwait(false))
            {
                break;
            }

            counters.Phase = request.Phase;
            counters.RecordOffered();
            if (counters.EnterFlight() > settings.MaxInFlight)
            {
                counters.LeaveFlight();
                counters.RecordDropped();
                records[request.Index] = Dropped(request, clock.NowMilliseconds);
                continue;
            }

            pending.Add(SendAndRecordAsync(request, clock, records, drain.Token));
        }

        // Arrivals are over; stragglers get the drain window, then are cut off and recorded as timeouts.
        drain.CancelAfter(settings.DrainTimeout);
        await Task.WhenAll(pending).ConfigureAwait(false);
        var complete = new RequestRecord[records.Length];
        for (var i = 0; i < records.Length; i++)
        {
            complete[i] = records[i] ?? NotSent(plan.Requests[i]);
        }

        return new RunResult(plan, complete, startedAt, clock.NowMilliseconds);
    }

    private async Task SendAndRecordAsync(PlannedRequest request, RunClock clock, RequestRecord?[] records,
        CancellationToken drain)
    {
        try
        {
            // Yield first so prompt building and serialisation never delay the dispatcher's next arrival.
            await Task.Yield();
            var prompt = request.Prompt ?? PromptGenerator.Generate(request.PromptTokens, request.Index, settings.PromptSeed);
            var record = await client.SendAsync(request, prompt, clock, drain).ConfigureAwait(false);
            records[request.Index] = record;
            counters.RecordFinished(record);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The client already classifies every network failure; anything else reaching here is unexpected, but one
            // odd request must not throw away the report of a long run. It is kept, with its exception, as an error.
            records[request.Index] = new RequestRecord
            {
                Index = request.Index,
                Phase = request.Phase,
                ScheduledMilliseconds = request.OffsetMilliseconds,
                SentMilliseconds = clock.NowMilliseconds,
                Outcome = RequestOutcome.TransportError,
                PromptTokens = request.PromptTokens,
                MaxTokens = request.MaxTokens,
                Error = $"unexpected {ex.GetType().Name}: {ex.Message}",
            };
        }
        finally
        {
            counters.LeaveFlight();
        }
    }

    /// <summary>False when the run was cancelled (Ctrl+C) before the offset came.</summary>
    private static async Task<bool> WaitUntilAsync(RunClock clock, double offsetMilliseconds, CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            var remaining = offsetMilliseconds - clock.NowMilliseconds;
            if (remaining <= 0)
            {
                return true;
            }

            if (remaining > SpinThresholdMilliseconds)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(remaining - SpinThresholdMilliseconds / 2), cancellation)
                        .ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return false;
                }
            }
            else
            {
                await Task.Yield();
            }
        }

        return false;
    }

    private static RequestRecord Dropped(PlannedRequest request, double now) => new()
    {
        Index = request.Index,
        Phase = request.Phase,
        ScheduledMilliseconds = request.OffsetMilliseconds,
        SentMilliseconds = now,
        Outcome = RequestOutcome.ClientDropped,
        PromptTokens = request.PromptTokens,
        MaxTokens = request.MaxTokens,
        Error = "client in-flight cap reached",
    };

    private static RequestRecord NotSent(PlannedRequest request) => new()
    {
        Index = request.Index,
        Phase = request.Phase,
        ScheduledMilliseconds = request.OffsetMilliseconds,
        Outcome = RequestOutcome.ClientDropped,
        PromptTokens = request.PromptTokens,
        MaxTokens = request.MaxTokens,
        Error = "run cancelled before this arrival",
    };
}

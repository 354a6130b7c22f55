using SpikeReplay.Client;
using SpikeReplay.Running;

namespace SpikeReplay.Reporting;

/// <summary>Aggregates request records into per-phase, overall and per-second figures.</summary>
internal static class SummaryBuilder
{
    public static RunSummary Build(RunResult result, RunDescription description)
    {
        var phases = result.Plan.Phases
            .Select(window => Summarise(window.Name, window.DurationMilliseconds / 1000.0,
                result.Records.Where(r => r.Phase == window.Name).ToList(), description))
            .ToList();
        var included = result.Plan.Phases.Where(w => w.InOverall).Select(w => w.Name).ToHashSet(StringComparer.Ordinal);
        var overall = Summarise("overall", result.Plan.Phases.Where(w => w.InOverall).Sum(w => w.DurationMilliseconds) / 1000.0,
            result.Records.Where(r => included.Contains(r.Phase)).ToList(), description);
        return new RunSummary
        {
            Scenario = description.Scenario,
            StartedAt = result.StartedAt,
            BaseUrl = description.BaseUrl,
            Model = description.Model,
            CapacityRps = description.CapacityRps,
            WallSeconds = result.WallMilliseconds / 1000.0,
            Slo = description.Slo,
            PhaseWindows = result.Plan.Phases,
            Overall = overall,
            Phases = phases,
            Timeline = BuildTimeline(result),
        };
    }

    public static WindowSummary Summarise(string name, double durationSeconds, IReadOnlyList<RequestRecord> records,
        RunDescription description)
    {
        var sent = records.Where(r => r.Outcome != RequestOutcome.ClientDropped).ToList();
        var admitted = sent.Count(r => r.StatusCode is >= 200 and < 300);
        var refusals = sent.Where(r => r.IsRefusal).ToList();
        var successes = sent.Where(r => r.IsSuccess).ToList();
        var good = GoodputCalculator.CountGood(successes, description.Slo);
        var perSecond = durationSeconds > 0 ? 1.0 / durationSeconds : 0.0;
        return new WindowSummary
        {
            Name = name,
            DurationSeconds = durationSeconds,
            Offered = records.Count,
            OfferedRps = records.Count * perSecond,
            Sent = sent.Count,
            Admitted = admitted,
            AdmittedRps = admitted * perSecond,
            Completed = successes.Count,
            StatusCounts = CountStatuses(records),
            Refusals = refusals.Count,
            RefusalsWithRetryAfter = refusals.Count(r => r.HasRetryAfter),
            RefusalRetryAfterPercent = refusals.Count == 0 ? null : 100.0 * refusals.Count(r => r.HasRetryAfter) / refusals.Count,
            RefusalRatio = sent.Count == 0 ? null : (double)refusals.Count / sent.Count,
            ServerErrors = sent.Count(r => r.IsServerError),
            ClientSideErrors = sent.Count(r => r.Outcome is RequestOutcome.TransportError or RequestOutcome.StreamError
                or RequestOutcome.Timeout),
            ClientDropped = records.Count - sent.Count,
            // Latencies describe served requests; a refusal's 2 ms answer would flatter every percentile.
            Ttft = LatencyStats.From(successes.Where(r => r.TtftMilliseconds.HasValue).Select(r => r.TtftMilliseconds!.Value)),
            InterTokenLatency = LatencyStats.From(successes.SelectMany(r => r.InterTokenGapsMilliseconds)),
            Tpot = LatencyStats.From(successes.Where(r => r.TpotMilliseconds.HasValue).Select(r => r.TpotMilliseconds!.Value)),
            EndToEnd = LatencyStats.From(successes.Select(r => r.EndToEndMilliseconds ?? 0)),
            DispatchLag = LatencyStats.From(sent.Select(r => Math.Max(0, (r.SentMilliseconds ?? 0) - r.ScheduledMilliseconds))),
            Goodput = good,
            GoodputRps = good * perSecond,
            GoodputRatio = admitted == 0 ? null : (double)good / admitted,
            OfferedGoodputRatio = records.Count == 0 ? null : (double)good / records.Count,
        };
    }

    private static SortedDictionary<string, int> CountStatuses(IEnumerable<RequestRecord> records)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            var key = record.StatusCode is { } status
                ? status.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : OutcomeKey(record.Outcome);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        return counts;
    }

    private static string OutcomeKey(RequestOutcome outcome) => outcome switch
    {
        RequestOutcome.TransportError => "transport_error",
        RequestOutcome.Timeout => "timeout",
        RequestOutcome.ClientDropped => "client_dropped",
        RequestOutcome.StreamError => "stream_error",
        RequestOutcome.HttpError => "http_error",
        _ => "completed",
    };

    private static List<TimelinePoint> BuildTimeline(RunResult result)
    {
        var seconds = (int)Math.Ceiling(Math.Max(result.Plan.DurationMilliseconds,
            result.Records.Count == 0 ? 0 : result.Records.Max(r => r.SentMilliseconds ?? r.ScheduledMilliseconds)) / 1000.0);
        var offered = new int[seconds + 1];
        var admitted = new int[seconds + 1];
        var refused = new int[seconds + 1];
        var ttfts = new List<double>[seconds + 1];
        for (var i = 0; i <= seconds; i++)
        {
            ttfts[i] = [];
        }

        foreach (var record in result.Records)
        {
            offered[Bucket(record.ScheduledMilliseconds, seconds)]++;
            if (record.SentMilliseconds is not { } sentAt || record.Outcome == RequestOutcome.ClientDropped)
            {
                continue;
            }

            var bucket = Bucket(sentAt, seconds);
            if (record.StatusCode is >= 200 and < 300)
            {
                admitted[bucket]++;
            }
            else if (record.IsRefusal)
            {
                refused[bucket]++;
            }

            if (record.IsSuccess && record.TtftMilliseconds is { } ttft)
            {
                ttfts[bucket].Add(ttft);
            }
        }

        // The last bucket only exists for requests sent exactly at the end; draw it only when something is in it.
        var lastSecond = offered[seconds] + admitted[seconds] + refused[seconds] + ttfts[seconds].Count > 0 ? seconds : seconds - 1;
        var points = new List<TimelinePoint>(lastSecond + 1);
        for (var second = 0; second <= lastSecond; second++)
        {
            var sorted = ttfts[second].Order().ToArray();
            points.Add(new TimelinePoint(second, PhaseAt(result, second * 1000.0 + 500.0), offered[second], admitted[second],
                refused[second], Percentiles.OfSorted(sorted, 50), Percentiles.OfSorted(sorted, 95)));
        }

        return points;
    }

    private static int Bucket(double milliseconds, int seconds) => Math.Clamp((int)(milliseconds / 1000.0), 0, seconds);

    private static string PhaseAt(RunResult result, double milliseconds)
    {
        foreach (var window in result.Plan.Phases)
        {
            if (milliseconds >= window.StartMilliseconds && milliseconds < window.EndMilliseconds)
            {
                return window.Name;
            }
        }

        return "drain";
    }
}

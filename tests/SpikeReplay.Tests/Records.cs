using SpikeReplay.Client;

namespace SpikeReplay.Tests;

/// <summary>Builders for request records in report tests.</summary>
internal static class Records
{
    public static RequestRecord Completed(double ttft, double tpot, double e2e, string phase = "p", double sentAt = 0) => new()
    {
        Index = 0,
        Phase = phase,
        ScheduledMilliseconds = sentAt,
        SentMilliseconds = sentAt,
        Outcome = RequestOutcome.Completed,
        StatusCode = 200,
        TtftMilliseconds = ttft,
        TpotMilliseconds = tpot,
        EndToEndMilliseconds = e2e,
        InterTokenGapsMilliseconds = [tpot, tpot],
        TokensReceived = 3,
    };

    public static RequestRecord Refused(int status, bool retryAfter, string phase = "p", double sentAt = 0) => new()
    {
        Index = 0,
        Phase = phase,
        ScheduledMilliseconds = sentAt,
        SentMilliseconds = sentAt,
        Outcome = RequestOutcome.HttpError,
        StatusCode = status,
        HasRetryAfter = retryAfter,
        EndToEndMilliseconds = 1,
        Error = "refused",
    };

    public static RequestRecord Dropped(string phase = "p", double at = 0) => new()
    {
        Index = 0,
        Phase = phase,
        ScheduledMilliseconds = at,
        SentMilliseconds = at,
        Outcome = RequestOutcome.ClientDropped,
    };
}

using SpikeReplay.Client;
using SpikeReplay.Scenarios;

namespace SpikeReplay.Reporting;

/// <summary>
/// Goodput: completed requests that met every configured SLO limit. Throughput alone rewards a server that admits
/// everything and answers late; goodput only counts answers that were useful to the caller.
/// </summary>
internal static class GoodputCalculator
{
    public static bool MeetsSlo(RequestRecord record, SloLimits slo)
    {
        if (!record.IsSuccess)
        {
            return false;
        }

        if (slo.TtftMilliseconds is { } ttftLimit && !(record.TtftMilliseconds is { } ttft && ttft <= ttftLimit))
        {
            return false;
        }

        // One-token answers have no TPOT; there is no decode pace to violate.
        if (slo.TpotMilliseconds is { } tpotLimit && record.TpotMilliseconds is { } tpot && tpot > tpotLimit)
        {
            return false;
        }

        return slo.EndToEndMilliseconds is not { } e2eLimit || record.EndToEndMilliseconds is { } e2e && e2e <= e2eLimit;
    }

    public static int CountGood(IEnumerable<RequestRecord> records, SloLimits slo)
    {
        return records.Count(r => MeetsSlo(r, slo));
    }
}

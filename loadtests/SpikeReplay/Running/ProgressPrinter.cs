using System.Globalization;

namespace SpikeReplay.Running;

/// <summary>
/// Prints one line a second while a run is going, so whoever watches a spike sees refusals and TTFT move as it happens.
/// "admitted" counts 2xx responses finished in that second.
/// </summary>
internal sealed class ProgressPrinter(LiveCounters counters, TextWriter output)
{
    public async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var lastOffered = 0L;
        var lastAdmitted = 0L;
        var second = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                second++;
                var offered = counters.Offered;
                var admitted = counters.Admitted;
                var p95 = counters.TtftPercentileSoFar(95);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{second,4}s] {counters.Phase,-10} offered {offered - lastOffered,4}/s admitted {admitted - lastAdmitted,4}/s " +
                    $"in-flight {counters.InFlight,4} p95-ttft {(p95 is { } v ? v.ToString("F0", CultureInfo.InvariantCulture) + " ms" : "-"),9} " +
                    $"2xx {counters.Status2xx} 429 {counters.Status429} 503 {counters.Status503} 5xx {counters.Status5xx} " +
                    $"other {counters.OtherFailures} dropped {counters.Dropped}"));
                lastOffered = offered;
                lastAdmitted = admitted;
            }
        }
        catch (OperationCanceledException)
        {
            // The run finished; the final report follows.
        }
    }
}

using System.Text.Json;
using SpikeReplay.Scenarios;

namespace SpikeReplay.Autoscaling;

/// <summary>One second of a recorded run as the replay needs it.</summary>
/// <param name="Demand">The recorded pod's gateway_demand_ratio (last scrape in that second; carried forward over
/// a missed scrape; null before the first).</param>
internal sealed record RecordedSecond(int Second, string Phase, int Offered, int Admitted, int Refused, double? Demand);

/// <summary>What hpa-replay reads from a run's summary.json: the per-second record and the phase windows.</summary>
internal sealed record HpaReplayInput(string Scenario, IReadOnlyList<RecordedSecond> Seconds, IReadOnlyList<PhaseWindow> PhaseWindows)
{
    public static HpaReplayInput ReadSummary(string path, string metricName)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        if (!root.TryGetProperty("metrics_timeline", out var metrics) || metrics.GetArrayLength() == 0)
        {
            throw new FormatException($"{path} has no metrics_timeline: record the run with this spike-replay against a gateway that serves /metrics.");
        }

        var demandBySecond = new SortedDictionary<int, double>();
        foreach (var sample in metrics.EnumerateArray())
        {
            if (sample.GetProperty("values").TryGetProperty(metricName, out var value))
            {
                demandBySecond[(int)Math.Floor(sample.GetProperty("t_s").GetDouble())] = value.GetDouble();
            }
        }

        if (demandBySecond.Count == 0)
        {
            throw new FormatException($"{path}: the gateway's /metrics had no {metricName} during the run.");
        }

        var seconds = new List<RecordedSecond>();
        double? carried = null;
        foreach (var point in root.GetProperty("timeline").EnumerateArray())
        {
            var second = point.GetProperty("second").GetInt32();
            if (demandBySecond.TryGetValue(second, out var demand))
            {
                carried = demand;
            }

            seconds.Add(new RecordedSecond(second, point.GetProperty("phase").GetString() ?? "", point.GetProperty("offered").GetInt32(),
                point.GetProperty("admitted").GetInt32(), point.GetProperty("refused").GetInt32(), carried));
        }

        var phases = JsonSerializer.Deserialize<List<PhaseWindow>>(root.GetProperty("phase_windows").GetRawText()) ?? [];
        return new HpaReplayInput(root.GetProperty("scenario").GetString() ?? "", seconds, phases);
    }
}

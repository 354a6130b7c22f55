using System.Text.Json;

namespace SpikeReplay.Scenarios;

/// <summary>
/// Builds a plan from a recorded JSONL trace, keeping the recorded arrival offsets (optionally sped up) so real
/// burst shapes replay as they happened.
/// </summary>
internal static class TracePlanner
{
    public const string PhaseName = "replay";

    public static LoadPlan Load(TextReader reader, double speed, RunLimits limits, int defaultMaxTokens)
    {
        if (!(speed > 0) || double.IsInfinity(speed))
        {
            throw new ArgumentOutOfRangeException(nameof(speed), speed, "Speed must be a positive finite number.");
        }

        var lines = new List<(double Offset, TraceLine Line)>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } text)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            TraceLine? line;
            try
            {
                line = JsonSerializer.Deserialize<TraceLine>(text);
            }
            catch (JsonException ex)
            {
                throw new FormatException($"Trace line {lineNumber}: {ex.Message}", ex);
            }

            if (line?.OffsetMilliseconds is not { } offset || offset < 0)
            {
                throw new FormatException($"Trace line {lineNumber}: \"offset_ms\" must be a non-negative number.");
            }

            if (line.Prompt is null && line.PromptTokens is not > 0)
            {
                throw new FormatException($"Trace line {lineNumber}: needs \"prompt\" or a positive \"prompt_tokens\".");
            }

            lines.Add((offset / speed, line));
        }

        // Traces merged from several sources are not always sorted; the dispatcher needs monotonic offsets.
        lines.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        var maxMilliseconds = limits.MaxDurationSeconds * 1000.0;
        var requests = new List<PlannedRequest>(Math.Min(lines.Count, limits.MaxRequests));
        foreach (var (offset, line) in lines)
        {
            if (offset > maxMilliseconds || requests.Count >= limits.MaxRequests)
            {
                break;
            }

            var promptTokens = line.PromptTokens ?? ApproximateTokens(line.Prompt!);
            requests.Add(new PlannedRequest(requests.Count, PhaseName, offset, promptTokens,
                line.MaxTokens ?? defaultMaxTokens, line.Prompt, line.Model));
        }

        var duration = requests.Count == 0 ? 0 : Math.Max(1.0, Math.Ceiling(requests[^1].OffsetMilliseconds / 1000.0) * 1000.0);
        var averageRps = duration > 0 ? requests.Count / (duration / 1000.0) : 0;
        var window = new PhaseWindow(PhaseName, 0, duration, averageRps, averageRps);
        return new LoadPlan([window], requests);
    }

    public static LoadPlan LoadFile(string path, double speed, RunLimits limits, int defaultMaxTokens)
    {
        using var reader = new StreamReader(path);
        return Load(reader, speed, limits, defaultMaxTokens);
    }

    /// <summary>Rough English estimate (≈ 4 characters per token); only used to label recorded prompts in reports.</summary>
    private static int ApproximateTokens(string prompt)
    {
        return Math.Max(1, (int)Math.Round(prompt.Length / 4.0, MidpointRounding.AwayFromZero));
    }
}

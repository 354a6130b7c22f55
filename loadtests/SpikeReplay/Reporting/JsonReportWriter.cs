using System.Text.Json;
using SpikeReplay.Client;

namespace SpikeReplay.Reporting;

/// <summary>Writes summary.json and records.jsonl (one request per line, for recomputing anything later).</summary>
internal static class JsonReportWriter
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };
    private static readonly JsonSerializerOptions s_compact = new();

    public static string Serialize(RunSummary summary) => JsonSerializer.Serialize(summary, s_indented);

    public static void WriteSummary(string path, RunSummary summary)
    {
        File.WriteAllText(path, Serialize(summary));
    }

    public static void WriteRecords(string path, IEnumerable<RequestRecord> records)
    {
        using var writer = new StreamWriter(path);
        foreach (var record in records)
        {
            writer.WriteLine(JsonSerializer.Serialize(record, s_compact));
        }
    }
}

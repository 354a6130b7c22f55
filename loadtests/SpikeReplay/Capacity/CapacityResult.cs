using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpikeReplay.Capacity;

/// <summary>capacity.json: the highest rate that held the SLO, and the steps that found it. Read back via --capacity-file.</summary>
internal sealed record CapacityResult(
    [property: JsonPropertyName("capacity_rps")] double? CapacityRps,
    [property: JsonPropertyName("slo_ttft_ms")] double SloTtftMilliseconds,
    [property: JsonPropertyName("max_refusal_ratio")] double MaxRefusalRatio,
    [property: JsonPropertyName("steps")] IReadOnlyList<CapacityStep> Steps)
{
    private static readonly JsonSerializerOptions s_options = new() { WriteIndented = true };

    public void Write(string path)
    {
        File.WriteAllText(path, JsonSerializer.Serialize(this, s_options));
    }

    public static double ReadCapacity(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        if (document.RootElement.TryGetProperty("capacity_rps", out var value) && value.ValueKind == JsonValueKind.Number &&
            value.GetDouble() > 0)
        {
            return value.GetDouble();
        }

        throw new FormatException($"{path} has no positive \"capacity_rps\" (did the capacity probe pass any step?).");
    }
}

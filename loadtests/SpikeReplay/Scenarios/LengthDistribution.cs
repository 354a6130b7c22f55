using System.Text.Json.Serialization;
using SpikeReplay.Arrivals;

namespace SpikeReplay.Scenarios;

/// <summary>Token-count distribution for prompts or outputs: fixed, uniform, normal (clipped) or an empirical list.</summary>
internal sealed record LengthDistribution
{
    [JsonPropertyName("kind")]
    public string Kind { get; init; } = "fixed";

    [JsonPropertyName("value")]
    public int? Value { get; init; }

    [JsonPropertyName("min")]
    public int? Min { get; init; }

    [JsonPropertyName("max")]
    public int? Max { get; init; }

    [JsonPropertyName("mean")]
    public double? Mean { get; init; }

    [JsonPropertyName("stddev")]
    public double? StandardDeviation { get; init; }

    [JsonPropertyName("values")]
    public int[]? Values { get; init; }

    public static LengthDistribution Fixed(int value) => new() { Kind = "fixed", Value = value };

    public void Validate(string what)
    {
        switch (Kind)
        {
            case "fixed":
                Require(Value is > 0, what, "fixed needs \"value\" > 0");
                break;
            case "uniform":
                Require(Min is > 0 && Max is { } max && max >= Min, what, "uniform needs 0 < \"min\" <= \"max\"");
                break;
            case "normal":
                Require(Mean is > 0 && StandardDeviation is >= 0, what, "normal needs \"mean\" > 0 and \"stddev\" >= 0");
                Require(Min is null or > 0, what, "normal \"min\" must be > 0");
                Require(Max is null || Max >= (Min ?? 1), what, "normal \"max\" must be >= \"min\"");
                break;
            case "empirical":
                Require(Values is { Length: > 0 } values && values.All(v => v > 0), what,
                    "empirical needs a non-empty \"values\" list of positive counts");
                break;
            default:
                throw new FormatException($"{what}: unknown kind \"{Kind}\" (fixed, uniform, normal, empirical).");
        }
    }

    public int Sample(Random random)
    {
        switch (Kind)
        {
            case "fixed":
                return Value!.Value;
            case "uniform":
                return random.Next(Min!.Value, Max!.Value + 1);
            case "normal":
                var drawn = Mean!.Value + StandardDeviation!.Value * StandardNormal.Sample(random);
                var lower = Min ?? 1;
                var upper = Max ?? int.MaxValue;
                return (int)Math.Clamp(Math.Round(drawn), lower, upper);
            case "empirical":
                return Values![random.Next(Values.Length)];
            default:
                throw new FormatException($"Unknown length distribution kind \"{Kind}\".");
        }
    }

    private static void Require(bool condition, string what, string message)
    {
        if (!condition)
        {
            throw new FormatException($"{what}: {message}.");
        }
    }
}

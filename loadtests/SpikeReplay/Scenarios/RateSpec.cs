using System.Text.Json.Serialization;

namespace SpikeReplay.Scenarios;

/// <summary>
/// A request rate, either absolute ("rps") or relative to the measured capacity ("x_capacity"), so one scenario file
/// expresses "5x what this deployment sustains" on any hardware.
/// </summary>
internal sealed record RateSpec
{
    [JsonPropertyName("rps")]
    public double? Rps { get; init; }

    [JsonPropertyName("x_capacity")]
    public double? CapacityMultiple { get; init; }

    public double Resolve(double? capacityRps)
    {
        if (Rps is { } absolute && CapacityMultiple is not null)
        {
            throw new FormatException("A rate gives either \"rps\" or \"x_capacity\", not both.");
        }

        var rate = Rps ?? (CapacityMultiple is { } multiple
            ? multiple * (capacityRps ?? throw new FormatException(
                "The scenario uses \"x_capacity\" but no capacity is known: set capacity_rps in the scenario, " +
                "pass --capacity-rps, or pass --capacity-file from a `spike-replay capacity` run."))
            : throw new FormatException("A rate needs \"rps\" or \"x_capacity\"."));
        if (!(rate >= 0) || double.IsInfinity(rate))
        {
            throw new FormatException($"Rate {rate} is not a non-negative finite number.");
        }

        return rate;
    }
}

using System.Text.Json.Serialization;

namespace SpikeReplay.Arrivals;

/// <summary>Scenario-file description of an arrival process: "poisson", or "gamma" with a shape (CV = 1/sqrt(shape)).</summary>
internal sealed record ArrivalProcessSpec
{
    [JsonPropertyName("process")]
    public string Process { get; init; } = "poisson";

    [JsonPropertyName("shape")]
    public double? Shape { get; init; }

    /// <summary>Alternative to shape for readers who think in burstiness: shape = 1 / cv².</summary>
    [JsonPropertyName("cv")]
    public double? CoefficientOfVariation { get; init; }

    public static ArrivalProcessSpec Poisson { get; } = new();

    public IArrivalProcess Create(Random random)
    {
        switch (Process.ToLowerInvariant())
        {
            case "poisson":
                return new PoissonArrivals(random);
            case "gamma":
                var shape = Shape ?? (CoefficientOfVariation is { } cv ? 1.0 / (cv * cv) : throw new FormatException(
                    "A gamma arrival process needs \"shape\" or \"cv\"."));
                return new GammaArrivals(random, shape);
            default:
                throw new FormatException($"Unknown arrival process \"{Process}\" (expected poisson or gamma).");
        }
    }
}

namespace SpikeReplay.Arrivals;

/// <summary>
/// Gamma-distributed gaps with unit mean. Shape k gives CV = 1/sqrt(k): k &lt; 1 makes arrivals clump into bursts
/// separated by lulls, which is how real traffic stresses a queue harder than Poisson at the same mean rate.
/// </summary>
internal sealed class GammaArrivals : IArrivalProcess
{
    private readonly Random _random;
    private readonly double _shape;

    public GammaArrivals(Random random, double shape)
    {
        if (!(shape > 0) || double.IsInfinity(shape))
        {
            throw new ArgumentOutOfRangeException(nameof(shape), shape, "Gamma shape must be a positive finite number.");
        }

        _random = random;
        _shape = shape;
    }

    public double Shape => _shape;

    /// <summary>Coefficient of variation of the gaps this process produces.</summary>
    public double CoefficientOfVariation => 1.0 / Math.Sqrt(_shape);

    public double NextUnitGap()
    {
        // Scale 1/k keeps the mean at 1 whatever the burstiness.
        return GammaSampler.Sample(_random, _shape) / _shape;
    }
}

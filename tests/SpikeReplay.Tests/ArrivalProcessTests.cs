using SpikeReplay.Arrivals;

namespace SpikeReplay.Tests;

public sealed class ArrivalProcessTests
{
    private const int Samples = 200_000;

    [Fact]
    public void Poisson_gaps_have_unit_mean_and_unit_cv()
    {
        var (mean, cv) = Moments(new PoissonArrivals(new Random(42)));

        Assert.InRange(mean, 0.98, 1.02);
        Assert.InRange(cv, 0.97, 1.03);
    }

    [Theory]
    [InlineData(0.25, 2.0)]
    [InlineData(1.0, 1.0)]
    [InlineData(4.0, 0.5)]
    public void Gamma_gaps_have_unit_mean_and_the_cv_of_their_shape(double shape, double expectedCv)
    {
        var process = new GammaArrivals(new Random(7), shape);

        var (mean, cv) = Moments(process);

        Assert.Equal(expectedCv, process.CoefficientOfVariation, 6);
        Assert.InRange(mean, 0.97, 1.03);
        Assert.InRange(cv, expectedCv * 0.93, expectedCv * 1.07);
    }

    [Fact]
    public void Same_seed_gives_the_same_arrivals()
    {
        var a = new GammaArrivals(new Random(99), 0.5);
        var b = new GammaArrivals(new Random(99), 0.5);

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(a.NextUnitGap(), b.NextUnitGap());
        }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void Gamma_rejects_invalid_shapes(double shape)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new GammaArrivals(new Random(1), shape));
    }

    [Fact]
    public void Spec_builds_gamma_from_cv()
    {
        var process = new ArrivalProcessSpec { Process = "gamma", CoefficientOfVariation = 2.0 }.Create(new Random(1));

        Assert.Equal(0.25, Assert.IsType<GammaArrivals>(process).Shape, 9);
    }

    [Fact]
    public void Spec_rejects_unknown_processes_and_shapeless_gamma()
    {
        Assert.Throws<FormatException>(() => new ArrivalProcessSpec { Process = "weibull" }.Create(new Random(1)));
        Assert.Throws<FormatException>(() => new ArrivalProcessSpec { Process = "gamma" }.Create(new Random(1)));
    }

    private static (double Mean, double Cv) Moments(IArrivalProcess process)
    {
        double sum = 0;
        double sumSquares = 0;
        for (var i = 0; i < Samples; i++)
        {
            var gap = process.NextUnitGap();
            Assert.True(gap >= 0);
            sum += gap;
            sumSquares += gap * gap;
        }

        var mean = sum / Samples;
        var variance = sumSquares / Samples - mean * mean;
        return (mean, Math.Sqrt(variance) / mean);
    }
}

using SpikeReplay.Scenarios;

namespace SpikeReplay.Tests;

public sealed class PhaseRateTests
{
    [Fact]
    public void Constant_rate_maps_operational_time_linearly()
    {
        var rate = new PhaseRate(4, 4, 10);

        Assert.Equal(40, rate.ExpectedArrivals, 9);
        Assert.Equal(2.5, rate.TimeOfCumulative(10)!.Value, 9);
        Assert.Null(rate.TimeOfCumulative(40.001));
    }

    [Fact]
    public void Linear_ramp_expects_the_average_rate_times_duration()
    {
        var rate = new PhaseRate(2, 10, 20);

        Assert.Equal(120, rate.ExpectedArrivals, 9);
        Assert.Equal(6, rate.RateAt(10), 9);
        Assert.Equal(10, rate.RateAt(25), 9);
    }

    [Theory]
    [InlineData(2.0, 10.0)]
    [InlineData(10.0, 2.0)]
    [InlineData(0.0, 5.0)]
    [InlineData(5.0, 0.0)]
    public void Time_of_cumulative_inverts_the_cumulative_intensity(double from, double to)
    {
        var rate = new PhaseRate(from, to, 30);

        for (var t = 0.5; t < 30; t += 1.7)
        {
            var s = rate.CumulativeArrivals(t);
            Assert.Equal(t, rate.TimeOfCumulative(s)!.Value, 6);
        }
    }

    [Fact]
    public void Zero_rate_has_no_arrivals()
    {
        var rate = new PhaseRate(0, 0, 10);

        Assert.Null(rate.TimeOfCumulative(0.1));
    }
}

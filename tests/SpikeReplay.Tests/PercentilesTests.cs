using SpikeReplay.Reporting;

namespace SpikeReplay.Tests;

public sealed class PercentilesTests
{
    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(50, 3.0)]
    [InlineData(95, 4.8)]
    [InlineData(99, 4.96)]
    [InlineData(100, 5.0)]
    public void Interpolates_between_closest_ranks(double percentile, double expected)
    {
        Assert.Equal(expected, Percentiles.Of([5, 3, 1, 4, 2], percentile)!.Value, 9);
    }

    [Fact]
    public void Matches_numpy_on_an_uneven_sample()
    {
        // numpy.percentile([10, 20, 40, 80, 160], 90) == 128.0
        Assert.Equal(128.0, Percentiles.Of([160, 10, 80, 20, 40], 90)!.Value, 9);
    }

    [Fact]
    public void Empty_has_no_percentile_and_single_value_is_every_percentile()
    {
        Assert.Null(Percentiles.Of([], 50));
        Assert.Equal(7, Percentiles.Of([7], 99));
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.OfSorted([1.0], 101));
    }

    [Fact]
    public void Latency_stats_summarise_samples()
    {
        var stats = LatencyStats.From(Enumerable.Range(1, 100).Select(i => (double)i));

        Assert.Equal(100, stats.Count);
        Assert.Equal(50.5, stats.Mean!.Value, 9);
        Assert.Equal(50.5, stats.P50!.Value, 9);
        Assert.Equal(95.05, stats.P95!.Value, 9);
        Assert.Equal(100, stats.Max);
        Assert.Null(LatencyStats.From([]).P95);
    }
}

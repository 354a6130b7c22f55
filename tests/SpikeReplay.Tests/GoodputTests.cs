using SpikeReplay.Client;
using SpikeReplay.Reporting;
using SpikeReplay.Scenarios;

namespace SpikeReplay.Tests;

public sealed class GoodputTests
{
    private static readonly SloLimits s_slo = new() { TtftMilliseconds = 500, TpotMilliseconds = 50, EndToEndMilliseconds = 5000 };

    [Theory]
    [InlineData(400, 40, 4000, true)]
    [InlineData(500, 50, 5000, true)]
    [InlineData(501, 40, 4000, false)]
    [InlineData(400, 51, 4000, false)]
    [InlineData(400, 40, 5001, false)]
    public void Good_only_when_every_limit_holds(double ttft, double tpot, double e2e, bool good)
    {
        Assert.Equal(good, GoodputCalculator.MeetsSlo(Records.Completed(ttft, tpot, e2e), s_slo));
    }

    [Fact]
    public void Unset_limits_are_not_checked()
    {
        var onlyTtft = new SloLimits { TtftMilliseconds = 500 };

        Assert.True(GoodputCalculator.MeetsSlo(Records.Completed(100, 9999, 99999), onlyTtft));
    }

    [Fact]
    public void Failed_or_tokenless_requests_are_never_good()
    {
        var refused = Records.Completed(10, 10, 10) with { Outcome = RequestOutcome.HttpError, StatusCode = 503 };
        var noFirstToken = Records.Completed(10, 10, 10) with { TtftMilliseconds = null };

        Assert.False(GoodputCalculator.MeetsSlo(refused, s_slo));
        Assert.False(GoodputCalculator.MeetsSlo(noFirstToken, s_slo));
        Assert.Equal(1, GoodputCalculator.CountGood([refused, noFirstToken, Records.Completed(10, 10, 10)], s_slo));
    }
}

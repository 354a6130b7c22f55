using Gateway.FrontDoor.RateLimiting;

namespace Gateway.FrontDoor.Tests;

public sealed class RateLimitHeadersTests
{
    [Theory]
    [InlineData(120, "120ms")]
    [InlineData(1500, "1.5s")]
    [InlineData(60_000, "1m0s")]
    [InlineData(90_250, "1m30.25s")]
    public void Durations_use_openai_style(int milliseconds, string expected) =>
        Assert.Equal(expected, RateLimitHeaders.FormatDuration(TimeSpan.FromMilliseconds(milliseconds)));
}

using SpikeReplay.Assertions;
using SpikeReplay.Reporting;
using SpikeReplay.Scenarios;

namespace SpikeReplay.Tests;

public sealed class SloAssertionTests
{
    private static readonly RunSummary s_summary = SummaryBuilder.Build(ReportTests.SampleRun(),
        new RunDescription("unit", "http://127.0.0.1:1/", "m", null, new SloLimits { TtftMilliseconds = 500 }));

    [Theory]
    [InlineData("p95_ttft_ms<1000", true)]
    [InlineData("p95_ttft_ms<500", false)]
    [InlineData("p50_ttft_ms<=100", true)]
    [InlineData("p99_itl_ms==20", true)]
    [InlineData("goodput_ratio>=0.6", true)]
    [InlineData("goodput_ratio>0.7", false)]
    [InlineData("no_5xx", false)]
    [InlineData("no_5xx@calm", true)]
    [InlineData("retry_after_on_refusals", false)]
    [InlineData("retry_after_on_refusals@calm", true)]
    [InlineData("no_client_drops", false)]
    [InlineData("refusal_ratio@spike<=0.75", true)]
    [InlineData("p95_ttft_ms@spike<500", false)]
    [InlineData("no_errors@nosuchphase", false)]
    public void Checks_pass_or_fail_on_the_measured_values(string expression, bool passes)
    {
        var result = SloAssertion.Parse(expression).Evaluate(s_summary);

        Assert.Equal(passes, result.Passed);
        Assert.Equal(expression, result.Expression);
    }

    [Fact]
    public void The_documented_ci_list_parses()
    {
        var list = SloAssertion.ParseList("p95_ttft_ms<500, no_5xx,retry_after_on_refusals,goodput_ratio>=0.9");

        Assert.Equal(["p95_ttft_ms", "no_5xx", "retry_after_on_refusals", "goodput_ratio"], list.Select(a => a.Subject));
        Assert.Equal(0.9, list[3].Threshold);
        Assert.Equal(">=", list[3].Operator);
    }

    [Theory]
    [InlineData("p97_ttft_ms<5")]
    [InlineData("p95_ttfb_ms<5")]
    [InlineData("p95_ttft_ms<fast")]
    [InlineData("no_problems")]
    [InlineData("throughput>3")]
    public void Unknown_checks_fail_at_parse_time(string expression)
    {
        Assert.Throws<FormatException>(() => SloAssertion.Parse(expression));
    }
}

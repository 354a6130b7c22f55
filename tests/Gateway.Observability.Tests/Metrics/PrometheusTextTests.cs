using Gateway.Observability.Metrics;

namespace Gateway.Observability.Tests.Metrics;

public sealed class PrometheusTextTests
{
    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(1.0, "1")]
    [InlineData(0.005, "0.005")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    public void Formats_sample_values(double value, string expected) =>
        Assert.Equal(expected, PrometheusText.FormatValue(value));

    [Fact]
    public void Label_value_escaping_leaves_other_characters_alone() =>
        Assert.Equal("tab\tü\\\\ \\\"x\\\" \\n", PrometheusText.EscapeLabelValue("tab\tü\\ \"x\" \n"));
}

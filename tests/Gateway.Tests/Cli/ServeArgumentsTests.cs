using Gateway.Cli;

namespace Gateway.Tests.Cli;

public sealed class ServeArgumentsTests
{
    [Theory]
    [InlineData]
    [InlineData("--Serving:MaxBatchTokens=256")]
    [InlineData("--Serving:MaxBatchTokens", "256")]
    [InlineData("--FrontDoor:Auth:Enabled=true", "--environment", "Staging")]
    [InlineData("--URLS=http://127.0.0.1:1")]
    public void Configuration_overrides_and_host_switches_are_accepted(params string[] tokens) =>
        Assert.Null(ServeCommand.UnknownOption(tokens));

    [Theory]
    [InlineData("--modle", "--modle", "x.gguf")]
    [InlineData("--threads", "--threads=4")]
    [InlineData("stray", "--Serving:MaxBatchTokens=256", "stray")]
    public void Anything_else_is_named(string expected, params string[] tokens) =>
        Assert.Equal(expected, ServeCommand.UnknownOption(tokens));
}

namespace Gateway.Tests.Cli;

/// <summary>
/// The command line refuses what it does not know: one error line naming it, the usage, exit code 2, and no server
/// (a started server would never exit, so the run would time out, and it would log the model it loaded).
/// </summary>
public sealed class UnknownInputTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    [Theory]
    [InlineData("'frobnicate'", "frobnicate")]
    [InlineData("'export-onnx-typo'", "export-onnx-typo", "model.gguf")]
    [InlineData("'--modle'", "--modle", "x.gguf")]
    [InlineData("'--modle'", "serve", "--modle", "x.gguf")]
    [InlineData("'--modle'", "--urls", "http://127.0.0.1:1", "--modle=x.gguf")]
    [InlineData("'--modle'", "generate", "--modle", "x.gguf")]
    public void Unknown_verbs_and_options_are_refused_without_starting_a_server(string named, params string[] args)
    {
        var (exit, stdout, stderr) = GatewayProcess.Run(Timeout, args);

        Assert.Equal(2, exit);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(named, lines[0], StringComparison.Ordinal);
        Assert.StartsWith("usage: gateway", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Using model", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_lists_serve_with_its_options()
    {
        var (exit, stdout, _) = GatewayProcess.Run(Timeout, "--help");
        Assert.Equal(0, exit);
        Assert.Contains("serve", stdout, StringComparison.Ordinal);
        Assert.Contains("--Section:Key=value", stdout, StringComparison.Ordinal);

        (exit, stdout, _) = GatewayProcess.Run(Timeout, "serve", "--help");
        Assert.Equal(0, exit);
        Assert.Contains("--model", stdout, StringComparison.Ordinal);
        Assert.Contains("--urls", stdout, StringComparison.Ordinal);
        Assert.Contains("--Section:Key=value", stdout, StringComparison.Ordinal);
    }
}

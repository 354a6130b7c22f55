using SpikeReplay.Cli;
using SpikeReplay.Client;

namespace SpikeReplay.Tests;

public sealed class CliTests
{
    private static readonly IReadOnlySet<string> s_values = new HashSet<string> { "scenario", "max-in-flight" };
    private static readonly IReadOnlySet<string> s_flags = new HashSet<string> { "allow-remote" };

    [Fact]
    public void Options_flags_and_inline_values_parse()
    {
        var args = CliArguments.Parse(["run", "--scenario", "a.json", "--allow-remote", "--max-in-flight=8"], _ => s_values, _ => s_flags);

        Assert.Equal("run", args.Command);
        Assert.Equal("a.json", args.Require("scenario"));
        Assert.True(args.Has("allow-remote"));
        Assert.Equal(8, args.GetInt("max-in-flight"));
    }

    [Theory]
    [InlineData("run --max-in-fligt 8")]
    [InlineData("run --scenario")]
    [InlineData("run stray")]
    [InlineData("--scenario a")]
    public void Mistakes_are_usage_errors(string commandLine)
    {
        Assert.Throws<UsageException>(() => CliArguments.Parse(commandLine.Split(' '), _ => s_values, _ => s_flags));
    }

    [Fact]
    public void Non_numbers_are_usage_errors()
    {
        var args = CliArguments.Parse(["run", "--max-in-flight", "lots"], _ => s_values, _ => s_flags);

        Assert.Throws<UsageException>(() => args.GetInt("max-in-flight"));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("http://localhost:8080/", true)]
    [InlineData("http://[::1]:8080", true)]
    [InlineData("http://10.1.2.3:8080", false)]
    [InlineData("http://gateway.example.com", false)]
    [InlineData("http://127.0.0.1.example.com", false)]
    public void Only_loopback_targets_without_allow_remote(string url, bool allowed)
    {
        if (allowed)
        {
            Assert.True(TargetGuard.IsLocal(TargetGuard.Validate(url, allowRemote: false)));
        }
        else
        {
            Assert.Throws<ArgumentException>(() => TargetGuard.Validate(url, allowRemote: false));
            Assert.Equal(new Uri(url), TargetGuard.Validate(url, allowRemote: true));
        }
    }

    [Fact]
    public void Non_http_targets_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => TargetGuard.Validate("ftp://127.0.0.1", allowRemote: true));
        Assert.Throws<ArgumentException>(() => TargetGuard.Validate("127.0.0.1:8080", allowRemote: true));
    }

    [Fact]
    public async Task Remote_target_without_opt_in_exits_with_usage_error_before_any_traffic()
    {
        var error = new StringWriter();

        var code = await SpikeReplayCommands.RunAsync(
            ["run", "--scenario", TestFiles.ScenarioPath("smoke.json"), "--base-url", "http://192.0.2.1:8080", "--model", "m"],
            TextWriter.Null, error, CancellationToken.None);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--allow-remote", error.ToString(), StringComparison.Ordinal);
    }
}

using System.CommandLine;
using Gateway.Hosting;

namespace Gateway.Cli;

/// <summary>
/// <c>gateway [serve] [--model PATH] [--urls URL] [--Section:Key=value ...]</c>: run the HTTP gateway. The arguments go
/// to the host unchanged (ASP.NET Core's command-line configuration reads them), after a check that every option is
/// one the gateway knows or a configuration key (<c>--Section:Key</c>), so that a typo such as <c>--modle</c> is an
/// error instead of a server silently started on the default model.
/// </summary>
internal static class ServeCommand
{
    public const string Name = "serve";

    /// <summary>Top-level options the host understands besides <c>--Section:Key</c> overrides (compared ignoring case).</summary>
    private static readonly string[] HostOptions = ["--model", "-m", "--urls", "--environment", "--contentRoot", "--applicationName"];

    public static Command Create(string[] hostArgs)
    {
        var model = CliOptions.Model();
        var urls = new Option<string?>("--urls") { Description = "Addresses to listen on, ';'-separated (default: http://127.0.0.1:8080)." };
        var command = new Command(Name,
            "Run the gateway (the default when no verb is given). Any configuration key can be overridden as " +
            "--Section:Key=value, e.g. --Serving:MaxBatchTokens=256 or --FrontDoor:Auth:Enabled=true (see appsettings.json).")
        {
            model,
            urls,
        };
        // Configuration overrides cannot be declared one by one; they are checked in the action instead.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, _) =>
        {
            if (UnknownOption(parse.UnmatchedTokens) is { } unknown)
            {
                return GatewayCli.UsageError($"unknown option '{unknown}' for serve; configuration overrides are written --Section:Key=value");
            }

            return await GatewayHost.RunAsync(hostArgs).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>The first token that is neither a known option, a <c>--Section:Key</c> override, nor a value after one.</summary>
    internal static string? UnknownOption(IReadOnlyList<string> tokens)
    {
        var expectsValue = false;
        foreach (var token in tokens)
        {
            if (!token.StartsWith('-'))
            {
                if (!expectsValue)
                {
                    return token;
                }

                expectsValue = false;
                continue;
            }

            var key = token.Split('=', 2)[0];
            if (!key.Contains(':', StringComparison.Ordinal) && !HostOptions.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                return key;
            }

            expectsValue = !token.Contains('=', StringComparison.Ordinal);
        }

        return null;
    }
}

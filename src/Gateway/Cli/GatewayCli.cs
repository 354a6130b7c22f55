using System.CommandLine;

namespace Gateway.Cli;

/// <summary>
/// The command line: a table of verbs, <c>serve</c> when none is given, and one clear error plus the usage (exit 2) for
/// anything unknown, never a server started on a misspelt request.
/// </summary>
internal static class GatewayCli
{
    public const int UsageExitCode = 2;

    private const string Usage =
        "usage: gateway [serve] [--model PATH] [--urls URL] [--Section:Key=value ...]\n" +
        "       gateway VERB [options]   (gateway --help lists the verbs, gateway VERB --help their options)";

    /// <summary>Every verb. A new verb is one more line here and its own <c>XxxCommand.Create()</c> file.</summary>
    private static Command[] Verbs(string[] hostArgs) =>
    [
        ServeCommand.Create(hostArgs),
        GenerateCommand.Create(),
        QuantizeCommand.Create(),
        SynthesizeCommand.Create(),
        BenchCommand.Create(),
        BenchServingCommand.Create(),
        HashKeyCommand.Create(),
        ExportOnnxCommand.Create(),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        // No verb means serve: `gateway --model m.gguf --urls ...` keeps working as users of the server expect.
        var verbGiven = args.Length > 0 && (!args[0].StartsWith('-') || IsRootOption(args[0]));
        var hostArgs = verbGiven ? args[1..] : args;
        var commandLine = verbGiven ? args : [ServeCommand.Name, .. args];

        var root = new RootCommand("LLM serving gateway: an OpenAI-compatible API over a CPU inference engine for GGUF models.");
        foreach (var verb in Verbs(hostArgs))
        {
            root.Subcommands.Add(verb);
        }

        if (verbGiven && !IsRootOption(args[0]) && !root.Subcommands.Any(c => c.Name == args[0] || c.Aliases.Contains(args[0])))
        {
            return UsageError($"unknown verb '{args[0]}'; verbs: {string.Join(", ", root.Subcommands.Select(c => c.Name))}");
        }

        var parse = root.Parse(commandLine);
        if (parse.Errors.Count > 0)
        {
            return UsageError(parse.Errors[0].Message);
        }

        return await parse.InvokeAsync().ConfigureAwait(false);
    }

    /// <summary>One line naming the problem, then the usage, on stderr; exit code 2.</summary>
    public static int UsageError(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        Console.Error.WriteLine(Usage);
        return UsageExitCode;
    }

    private static bool IsRootOption(string arg) => arg is "--help" or "-h" or "-?" or "/?" or "/h" or "--version";
}

using System.Globalization;

namespace SpikeReplay.Cli;

/// <summary>
/// "command --name value --flag" parsing. Every option must be known to the command, so a misspelt safety cap
/// (--max-in-fligt) is an error instead of a silently ignored word.
/// </summary>
internal sealed class CliArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    private CliArguments(string command)
    {
        Command = command;
    }

    public string Command { get; }

    public static CliArguments Parse(IReadOnlyList<string> args, Func<string, IReadOnlySet<string>> valueOptionsOf,
        Func<string, IReadOnlySet<string>> flagsOf)
    {
        if (args.Count == 0 || args[0].StartsWith('-'))
        {
            throw new UsageException("Missing command (run, replay, capacity or hpa-replay).");
        }

        var parsed = new CliArguments(args[0]);
        var valueOptions = valueOptionsOf(parsed.Command);
        var flags = flagsOf(parsed.Command);
        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"Unexpected argument \"{arg}\".");
            }

            var name = arg[2..];
            string? inlineValue = null;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                inlineValue = name[(equals + 1)..];
                name = name[..equals];
            }

            if (flags.Contains(name) && inlineValue is null)
            {
                parsed._flags.Add(name);
            }
            else if (valueOptions.Contains(name))
            {
                var value = inlineValue ?? (i + 1 < args.Count ? args[++i] : throw new UsageException($"--{name} needs a value."));
                parsed._values[name] = value;
            }
            else
            {
                throw new UsageException($"Unknown option --{name} for \"{parsed.Command}\".");
            }
        }

        return parsed;
    }

    public bool Has(string flag) => _flags.Contains(flag);

    public string? Get(string name) => _values.GetValueOrDefault(name);

    public string Require(string name) => Get(name) ?? throw new UsageException($"--{name} is required.");

    public double? GetDouble(string name)
    {
        if (Get(name) is not { } text)
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new UsageException($"--{name} \"{text}\" is not a number.");
    }

    public int? GetInt(string name)
    {
        if (Get(name) is not { } text)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new UsageException($"--{name} \"{text}\" is not an integer.");
    }
}

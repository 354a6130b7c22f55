using SpikeReplay.Autoscaling;
using SpikeReplay.Capacity;
using SpikeReplay.Client;
using SpikeReplay.Reporting;
using SpikeReplay.Running;
using SpikeReplay.Scenarios;

namespace SpikeReplay.Cli;

/// <summary>The commands: run a scenario, replay a trace, probe capacity, replay a run through the HPA.</summary>
internal static class SpikeReplayCommands
{
    private static readonly Dictionary<string, string[]> s_commandOptions = new(StringComparer.Ordinal)
    {
        ["run"] = ["scenario", "capacity-rps", "capacity-file", "seed"],
        ["replay"] = ["trace", "speed", "max-tokens", "api"],
        ["capacity"] = ["scenario", "start-rps", "step-factor", "step-s", "max-rps", "max-refusal-ratio"],
        ["hpa-replay"] = ["summary", "hpa", "service-monitor", "pod-startup-s", "recorded-replicas", "sync-offset-s", "scrape-offset-s", "spike-phase", "out"],
    };

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        try
        {
            if (args.Length > 0 && args[0] is "-h" or "--help" or "help")
            {
                output.WriteLine(UsageText.Text);
                return ExitCodes.Success;
            }

            var parsed = CliArguments.Parse(args, ValueOptionsOf, _ => CommonOptions.Flags.ToHashSet(StringComparer.Ordinal));
            return parsed.Command switch
            {
                "hpa-replay" => HpaReplayCommand.Run(parsed, output),
                "run" => await RunScenarioAsync(parsed, output, cancellation).ConfigureAwait(false),
                "replay" => await ReplayAsync(parsed, output, cancellation).ConfigureAwait(false),
                _ => await ProbeCapacityAsync(parsed, output, cancellation).ConfigureAwait(false),
            };
        }
        catch (Exception ex) when (ex is UsageException or FormatException or FileNotFoundException or DirectoryNotFoundException
            or YamlDotNet.Core.YamlException or System.Text.Json.JsonException or KeyNotFoundException)
        {
            error.WriteLine($"error: {ex.Message}");
            error.WriteLine();
            error.WriteLine(UsageText.Text);
            return ExitCodes.Usage;
        }
        catch (TargetUnusableException ex)
        {
            error.WriteLine($"error: the target is not usable: {ex.Message}");
            return ExitCodes.TargetUnusable;
        }
    }

    private static HashSet<string> ValueOptionsOf(string command)
    {
        if (!s_commandOptions.TryGetValue(command, out var own))
        {
            throw new UsageException($"Unknown command \"{command}\" (run, replay, capacity or hpa-replay).");
        }

        // hpa-replay reads files only: none of the target options apply.
        return command == "hpa-replay" ? own.ToHashSet(StringComparer.Ordinal) : own.Concat(CommonOptions.ValueOptions).ToHashSet(StringComparer.Ordinal);
    }

    private static async Task<int> RunScenarioAsync(CliArguments args, TextWriter output, CancellationToken cancellation)
    {
        var common = CommonOptions.From(args, "artifacts/spike-replay");
        var scenario = ScenarioLoader.LoadFile(args.Require("scenario"));
        scenario = scenario with
        {
            Seed = args.GetInt("seed") ?? scenario.Seed,
            Slo = CommonOptions.ApplySlo(args, scenario.Slo),
            Limits = CommonOptions.ApplyLimits(args, scenario.Limits),
        };
        var capacity = args.GetDouble("capacity-rps")
            ?? (args.Get("capacity-file") is { } file ? CapacityResult.ReadCapacity(file) : scenario.CapacityRps);
        var plan = ScenarioPlanner.Plan(scenario, capacity);
        var model = await ResolveModelAsync(common, scenario.Model, cancellation).ConfigureAwait(false);
        using var client = CreateClient(common, scenario.Api == "chat", scenario.Limits, model);
        var description = new RunDescription(scenario.Name, common.BaseUrl.ToString(), model, capacity, scenario.Slo);
        return await LoadExecution.ExecuteAsync(plan, common, client, Settings(scenario.Limits, scenario.Seed), description,
            output, cancellation).ConfigureAwait(false);
    }

    private static async Task<int> ReplayAsync(CliArguments args, TextWriter output, CancellationToken cancellation)
    {
        var common = CommonOptions.From(args, "artifacts/replay");
        var limits = CommonOptions.ApplyLimits(args, new RunLimits());
        var slo = CommonOptions.ApplySlo(args, new SloLimits());
        var api = args.Get("api") ?? "completions";
        if (api is not ("completions" or "chat"))
        {
            throw new UsageException("--api must be completions or chat.");
        }

        var tracePath = args.Require("trace");
        var plan = TracePlanner.LoadFile(tracePath, args.GetDouble("speed") ?? 1.0, limits, args.GetInt("max-tokens") ?? 64);
        var model = await ResolveModelAsync(common, null, cancellation).ConfigureAwait(false);
        using var client = CreateClient(common, api == "chat", limits, model);
        var description = new RunDescription(Path.GetFileName(tracePath), common.BaseUrl.ToString(), model, null, slo);
        return await LoadExecution.ExecuteAsync(plan, common, client, Settings(limits, seed: 1), description, output,
            cancellation).ConfigureAwait(false);
    }

    private static async Task<int> ProbeCapacityAsync(CliArguments args, TextWriter output, CancellationToken cancellation)
    {
        var common = CommonOptions.From(args, "artifacts/capacity");
        var template = args.Get("scenario") is { } path ? ScenarioLoader.LoadFile(path) : new Scenario { Name = "capacity" };
        template = template with
        {
            Slo = CommonOptions.ApplySlo(args, template.Slo),
            Limits = CommonOptions.ApplyLimits(args, template.Limits),
        };
        var settings = new CapacityProbeSettings(
            args.GetDouble("start-rps") ?? 0.5,
            args.GetDouble("step-factor") ?? 1.5,
            args.GetDouble("step-s") ?? 20,
            args.GetDouble("max-rps") ?? 500,
            template.Slo.TtftMilliseconds ?? 500,
            args.GetDouble("max-refusal-ratio") ?? 0.01);
        if (!(settings.StartRps > 0) || !(settings.StepFactor > 1) || !(settings.StepSeconds > 0) || !(settings.MaxRps >= settings.StartRps))
        {
            throw new UsageException("Capacity needs --start-rps > 0, --step-factor > 1, --step-s > 0 and --max-rps >= --start-rps.");
        }

        var model = await ResolveModelAsync(common, template.Model, cancellation).ConfigureAwait(false);
        using var client = CreateClient(common, template.Api == "chat", template.Limits, model);
        var probe = new CapacityProbe(client, Settings(template.Limits, template.Seed), output);
        var result = await probe.RunAsync(template, settings, cancellation).ConfigureAwait(false);
        Directory.CreateDirectory(common.OutputFolder);
        var file = Path.Combine(common.OutputFolder, "capacity.json");
        result.Write(file);
        output.WriteLine(result.CapacityRps is { } rps
            ? FormattableString.Invariant($"capacity_rps = {rps:F2} (written to {file}; use --capacity-file)")
            : $"No step held the SLO; even --start-rps is too high (details in {file}).");
        return result.CapacityRps is null ? ExitCodes.AssertionsFailed : ExitCodes.Success;
    }

    private static StreamingCompletionClient CreateClient(CommonOptions common, bool chat, RunLimits limits, string model)
    {
        return new StreamingCompletionClient(new ClientSettings(common.BaseUrl, chat, model, common.ApiKey,
            TimeSpan.FromSeconds(limits.RequestTimeoutSeconds), limits.MaxInFlight));
    }

    private static RunSettings Settings(RunLimits limits, int seed)
    {
        return new RunSettings(limits.MaxInFlight, TimeSpan.FromSeconds(limits.DrainTimeoutSeconds), seed);
    }

    private static async Task<string> ResolveModelAsync(CommonOptions common, string? scenarioModel,
        CancellationToken cancellation)
    {
        return common.Model ?? scenarioModel
            ?? await ModelDiscovery.FirstModelAsync(common.BaseUrl, common.ApiKey, cancellation).ConfigureAwait(false);
    }
}

using SpikeReplay.Assertions;
using SpikeReplay.Client;
using SpikeReplay.Scenarios;

namespace SpikeReplay.Cli;

/// <summary>Options every command shares, plus how they override what a scenario file says.</summary>
internal sealed record CommonOptions(
    Uri BaseUrl,
    string OutputFolder,
    string? Model,
    string? ApiKey,
    IReadOnlyList<SloAssertion> Assertions,
    bool Quiet)
{
    public static readonly string[] ValueOptions =
    [
        "base-url", "out", "model", "api-key", "assert", "slo-ttft-ms", "slo-tpot-ms", "slo-e2e-ms", "max-requests",
        "max-duration-s", "max-in-flight", "request-timeout-s", "drain-timeout-s",
    ];

    public static readonly string[] Flags = ["allow-remote", "quiet"];

    public static CommonOptions From(CliArguments args, string defaultOutputFolder)
    {
        var baseUrl = args.Get("base-url") ?? "http://127.0.0.1:8080";
        Uri target;
        try
        {
            target = TargetGuard.Validate(baseUrl, args.Has("allow-remote"));
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(ex.Message);
        }

        IReadOnlyList<SloAssertion> assertions;
        try
        {
            assertions = args.Get("assert") is { } text ? SloAssertion.ParseList(text) : [];
        }
        catch (FormatException ex)
        {
            throw new UsageException(ex.Message);
        }

        var apiKey = args.Get("api-key") ?? Environment.GetEnvironmentVariable("SPIKE_REPLAY_API_KEY");
        return new CommonOptions(target, args.Get("out") ?? defaultOutputFolder, args.Get("model"), apiKey, assertions,
            args.Has("quiet"));
    }

    public static SloLimits ApplySlo(CliArguments args, SloLimits slo) => slo with
    {
        TtftMilliseconds = args.GetDouble("slo-ttft-ms") ?? slo.TtftMilliseconds,
        TpotMilliseconds = args.GetDouble("slo-tpot-ms") ?? slo.TpotMilliseconds,
        EndToEndMilliseconds = args.GetDouble("slo-e2e-ms") ?? slo.EndToEndMilliseconds,
    };

    public static RunLimits ApplyLimits(CliArguments args, RunLimits limits)
    {
        var applied = limits with
        {
            MaxRequests = args.GetInt("max-requests") ?? limits.MaxRequests,
            MaxDurationSeconds = args.GetDouble("max-duration-s") ?? limits.MaxDurationSeconds,
            MaxInFlight = args.GetInt("max-in-flight") ?? limits.MaxInFlight,
            RequestTimeoutSeconds = args.GetDouble("request-timeout-s") ?? limits.RequestTimeoutSeconds,
            DrainTimeoutSeconds = args.GetDouble("drain-timeout-s") ?? limits.DrainTimeoutSeconds,
        };
        try
        {
            applied.Validate();
        }
        catch (FormatException ex)
        {
            throw new UsageException(ex.Message);
        }

        return applied;
    }
}

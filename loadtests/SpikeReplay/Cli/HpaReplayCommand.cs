using System.Globalization;
using SpikeReplay.Autoscaling;
using SpikeReplay.Reporting;

namespace SpikeReplay.Cli;

/// <summary>spike-replay hpa-replay: the HPA's decisions over a recorded run, from the deployed manifests.</summary>
internal static class HpaReplayCommand
{
    /// <summary>Default start-up: the image is on the node and the model on a shared volume; loading it and passing
    /// the readiness probe takes 30-60 s for the models this gateway serves on CPU.</summary>
    public const double DefaultPodStartupSeconds = 45;

    public static int Run(CliArguments args, TextWriter output)
    {
        var summaryPath = args.Require("summary");
        var hpaPath = args.Get("hpa") ?? FindUp(Path.Combine("deploy", "k8s", "overlays", "prod", "gateway-hpa.yaml"))
            ?? throw new UsageException("deploy/k8s/overlays/prod/gateway-hpa.yaml not found from here; pass --hpa.");
        var monitorPath = args.Get("service-monitor")
            ?? FindUp(Path.Combine("deploy", "k8s", "components", "prometheus-operator", "gateway-servicemonitor.yaml"));
        var spec = HpaManifestReader.Read(hpaPath, monitorPath);
        var settings = new HpaReplaySettings(
            args.GetInt("recorded-replicas") ?? spec.MinReplicas,
            args.GetDouble("pod-startup-s") ?? DefaultPodStartupSeconds,
            args.GetDouble("sync-offset-s") ?? 0,
            args.GetDouble("scrape-offset-s") ?? 0,
            args.Get("spike-phase") ?? "spike");
        if (settings.RecordedReplicas < 1 || settings.PodStartupSeconds < 0)
        {
            throw new UsageException("--recorded-replicas must be at least 1 and --pod-startup-s not negative.");
        }

        var input = HpaReplayInput.ReadSummary(summaryPath, spec.MetricName);
        var result = HpaReplay.Run(input, spec, settings);
        var folder = args.Get("out") ?? Path.GetDirectoryName(Path.GetFullPath(summaryPath)) ?? ".";
        HpaReplayReport.Write(folder, result, input.PhaseWindows);
        output.WriteLine(HpaReplayReport.Markdown(result).Split("Replicas over time", 2)[0].TrimEnd());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Reports in {Path.GetFullPath(folder)} (hpa-replay.json, hpa-replay.md, hpa-replay.html)"));
        return ExitCodes.Success;
    }

    /// <summary>Looks for a repository-relative path from the working directory upwards.</summary>
    private static string? FindUp(string relative)
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

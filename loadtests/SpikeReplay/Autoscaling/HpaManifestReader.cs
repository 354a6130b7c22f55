using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace SpikeReplay.Autoscaling;

/// <summary>
/// Reads the HorizontalPodAutoscaler (and the ServiceMonitor's scrape interval) from the deploy/k8s manifests, so the
/// replay uses exactly the numbers that are deployed.
/// </summary>
internal static partial class HpaManifestReader
{
    public static HpaSpec Read(string hpaPath, string? serviceMonitorPath)
    {
        var hpa = FindDocument(hpaPath, "HorizontalPodAutoscaler")
            ?? throw new FormatException($"{hpaPath} holds no HorizontalPodAutoscaler.");
        var spec = Map(hpa, "spec") ?? throw new FormatException($"{hpaPath}: the HorizontalPodAutoscaler has no spec.");
        var minReplicas = Int(spec, "minReplicas") ?? 1;
        var maxReplicas = Int(spec, "maxReplicas") ?? throw new FormatException($"{hpaPath}: spec.maxReplicas is required.");
        string? metricName = null;
        double target = 0;
        var others = new List<string>();
        foreach (var metric in Seq(spec, "metrics"))
        {
            var type = Scalar(metric, "type");
            if (type == "Pods" && metricName is null && Map(metric, "pods") is { } pods
                && Scalar(Map(pods, "target"), "type") == "AverageValue")
            {
                metricName = Scalar(Map(pods, "metric"), "name");
                target = ParseQuantity(Scalar(Map(pods, "target"), "averageValue")
                    ?? throw new FormatException($"{hpaPath}: the Pods metric has no averageValue."));
            }
            else
            {
                others.Add(type == "Resource" ? $"Resource {Scalar(Map(metric, "resource"), "name")}" : type ?? "unknown");
            }
        }

        if (metricName is null)
        {
            throw new FormatException($"{hpaPath}: no Pods metric with an AverageValue target to replay.");
        }

        var behavior = Map(spec, "behavior");
        var scaleUp = Rules(Map(behavior, "scaleUp"), HpaScalingRules.DefaultScaleUp);
        var scaleDown = Rules(Map(behavior, "scaleDown"), HpaScalingRules.DefaultScaleDown);
        // autoscaling/v2 lets behaviour carry a per-direction tolerance (HPAConfigurableTolerance); the flag otherwise.
        var tolerance = ParseOptionalQuantity(Scalar(Map(behavior, "scaleUp"), "tolerance")) ?? HpaSpec.DefaultTolerance;
        var scrape = serviceMonitorPath is null ? 15 : ReadScrapeInterval(serviceMonitorPath);
        return new HpaSpec(hpaPath, minReplicas, maxReplicas, metricName, target, others, scaleUp, scaleDown, tolerance,
            HpaSpec.DefaultSyncPeriodSeconds, scrape);
    }

    /// <summary>The first endpoint's interval of the ServiceMonitor (prometheus-operator's default is 30 s).</summary>
    public static double ReadScrapeInterval(string serviceMonitorPath)
    {
        var monitor = FindDocument(serviceMonitorPath, "ServiceMonitor")
            ?? throw new FormatException($"{serviceMonitorPath} holds no ServiceMonitor.");
        var endpoint = Seq(Map(monitor, "spec"), "endpoints").FirstOrDefault();
        return Scalar(endpoint, "interval") is { } interval ? ParseDuration(interval) : 30;
    }

    /// <summary>A Kubernetes quantity as a number: "2", "0.8", "800m", "1k".</summary>
    public static double ParseQuantity(string text)
    {
        var match = QuantityPattern().Match(text.Trim());
        if (!match.Success)
        {
            throw new FormatException($"\"{text}\" is not a Kubernetes quantity this replay understands.");
        }

        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "m" => value / 1000,
            "k" => value * 1000,
            "M" => value * 1_000_000,
            _ => value,
        };
    }

    /// <summary>A Prometheus duration as seconds: "15s", "1m", "500ms".</summary>
    public static double ParseDuration(string text)
    {
        var match = DurationPattern().Match(text.Trim());
        if (!match.Success)
        {
            throw new FormatException($"\"{text}\" is not a duration (e.g. 15s).");
        }

        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "ms" => value / 1000,
            "m" => value * 60,
            "h" => value * 3600,
            _ => value,
        };
    }

    private static double? ParseOptionalQuantity(string? text) => text is null ? null : ParseQuantity(text);

    private static HpaScalingRules Rules(YamlMappingNode? node, HpaScalingRules defaults)
    {
        if (node is null)
        {
            return defaults;
        }

        var policies = Seq(node, "policies")
            .Select(p => new HpaPolicy(
                Scalar(p, "type") ?? throw new FormatException("A scaling policy needs a type."),
                Int(p, "value") ?? throw new FormatException("A scaling policy needs a value."),
                Int(p, "periodSeconds") ?? throw new FormatException("A scaling policy needs periodSeconds.")))
            .ToList();
        return new HpaScalingRules(
            Int(node, "stabilizationWindowSeconds") ?? defaults.StabilizationWindowSeconds,
            Scalar(node, "selectPolicy") ?? "Max",
            policies.Count > 0 ? policies : defaults.Policies);
    }

    private static YamlMappingNode? FindDocument(string path, string kind)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().FirstOrDefault(n => Scalar(n, "kind") == kind);
    }

    private static YamlMappingNode? Map(YamlMappingNode? node, string key) =>
        node is not null && node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child as YamlMappingNode : null;

    private static IEnumerable<YamlMappingNode> Seq(YamlMappingNode? node, string key) =>
        node is not null && node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlSequenceNode sequence
            ? sequence.Children.OfType<YamlMappingNode>()
            : [];

    private static string? Scalar(YamlMappingNode? node, string key) =>
        node is not null && node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? (child as YamlScalarNode)?.Value : null;

    private static int? Int(YamlMappingNode? node, string key) =>
        Scalar(node, key) is { } text ? int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture) : null;

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)(m|k|M)?$")]
    private static partial Regex QuantityPattern();

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)$")]
    private static partial Regex DurationPattern();
}

using System.Diagnostics.Metrics;
using Gateway.FrontDoor.RateLimiting;
using Gateway.Observability.Metrics;

namespace Gateway.FrontDoor.Metrics;

/// <summary>The front door's instruments on Meter "Gateway.FrontDoor", named as in the shared metrics contract.</summary>
internal sealed class FrontDoorMetrics
{
    public const string MeterName = GatewayMetricNames.FrontDoorMeter;

    private static readonly string[] s_statusLabels = BuildStatusLabels();

    private readonly Counter<long> _requests;
    private readonly Counter<long> _rateLimited;

    public FrontDoorMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>(GatewayMetricNames.Requests, description: "Requests answered, by status, model and tenant.");
        _rateLimited = meter.CreateCounter<long>(GatewayMetricNames.RateLimited, description: "Requests refused by a tenant limit.");
    }

    public void Request(int statusCode, string model, string tenant) =>
        _requests.Add(1,
            new KeyValuePair<string, object?>("status", StatusLabel(statusCode)),
            new KeyValuePair<string, object?>("model", model),
            new KeyValuePair<string, object?>("tenant", tenant));

    public void RateLimited(string tenant, RateLimitKind kind) =>
        _rateLimited.Add(1,
            new KeyValuePair<string, object?>("tenant", tenant),
            new KeyValuePair<string, object?>("limit", kind switch
            {
                RateLimitKind.Requests => "requests",
                RateLimitKind.Tokens => "tokens",
                _ => "concurrency",
            }));

    // Cached so the per-request path does not format an int.
    private static string StatusLabel(int statusCode) =>
        (uint)statusCode < (uint)s_statusLabels.Length ? s_statusLabels[statusCode] : "other";

    private static string[] BuildStatusLabels()
    {
        var labels = new string[600];
        for (var i = 0; i < labels.Length; i++)
        {
            labels[i] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return labels;
    }
}

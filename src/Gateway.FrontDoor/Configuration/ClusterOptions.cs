namespace Gateway.FrontDoor.Configuration;

/// <summary>One upstream cluster (<c>FrontDoor:Clusters:{name}</c>): the models it serves and where it lives.</summary>
public sealed class ClusterOptions
{
    /// <summary>Model ids routed to this cluster (the request body's <c>model</c>).</summary>
    public List<string> Models { get; set; } = [];

    public Dictionary<string, DestinationOptions> Destinations { get; set; } = new(StringComparer.Ordinal);

    public LoadBalancingPolicy LoadBalancing { get; set; } = LoadBalancingPolicy.PowerOfTwoChoices;

    /// <summary>Sent upstream as the bearer token instead of the client's key, which must never leave the gateway.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Longest silence on an upstream connection (no bytes either way) before the request is abandoned.</summary>
    public TimeSpan ActivityTimeout { get; set; } = TimeSpan.FromSeconds(100);

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    public UpstreamHealthCheckOptions HealthCheck { get; set; } = new();

    /// <summary>Failure ratio of forwarding attempts that opens the cluster's breaker.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    public int BreakerMinimumThroughput { get; set; } = 10;

    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>One destination of a cluster.</summary>
public sealed class DestinationOptions
{
    /// <summary>Base address, e.g. <c>http://10.0.0.5:8080</c>; the request path is appended.</summary>
    public string Address { get; set; } = "";
}

/// <summary>Active (probe) and passive (failed forward) health checking of destinations.</summary>
public sealed class UpstreamHealthCheckOptions
{
    /// <summary>Off for upstreams without a readiness endpoint (hosted APIs); passive checks still apply.</summary>
    public bool Enabled { get; set; } = true;

    public string Path { get; set; } = "/readyz";

    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a destination that failed a forward is skipped before traffic tries it again.</summary>
    public TimeSpan PassiveReactivationPeriod { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>How a destination is picked among the healthy ones.</summary>
public enum LoadBalancingPolicy
{
    /// <summary>Two random destinations, the one with fewer requests in flight wins: near-optimal without herding.</summary>
    PowerOfTwoChoices,

    /// <summary>The destination with the fewest requests in flight.</summary>
    LeastRequests,
}

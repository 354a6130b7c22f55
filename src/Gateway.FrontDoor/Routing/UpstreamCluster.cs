using System.Net;
using Gateway.FrontDoor.Configuration;
using Gateway.FrontDoor.Logging;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.FrontDoor.Routing;

/// <summary>A named group of interchangeable upstreams with its own connection pool and circuit breaker.</summary>
internal sealed class UpstreamCluster : IDisposable
{
    /// <summary>The tried-destinations set is a 64-bit mask.</summary>
    public const int MaxDestinations = 64;

    public UpstreamCluster(string name, ClusterOptions options, TimeProvider time, ILogger logger)
    {
        if (options.Destinations.Count is 0 or > MaxDestinations)
        {
            throw new InvalidOperationException(
                $"FrontDoor:Clusters:{name} needs between 1 and {MaxDestinations} destinations.");
        }

        Name = name;
        Options = options;
        Destinations = [.. options.Destinations.Select((pair, index) => new UpstreamDestination(pair.Key, pair.Value.Address, index))];

        // Settings YARP recommends for proxying: no proxy, redirects, cookies or decompression of our own.
        Invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = options.ConnectTimeout,
            EnableMultipleHttp2Connections = true,
        });
        RequestConfig = new ForwarderRequestConfig { ActivityTimeout = options.ActivityTimeout };
        Transformer = new UpstreamRequestTransformer(options.ApiKey);
        Breaker = new ResiliencePipelineBuilder<ForwarderError> { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<ForwarderError>
            {
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumThroughput,
                SamplingDuration = options.BreakerSamplingDuration,
                BreakDuration = options.BreakerBreakDuration,
                ShouldHandle = static args => ValueTask.FromResult(
                    args.Outcome.Exception is not null and not OperationCanceledException
                    || args.Outcome.Result is ForwarderError.Request or ForwarderError.RequestTimedOut),
                OnOpened = _ =>
                {
                    FrontDoorLog.UpstreamCircuitOpened(logger, name);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    public string Name { get; }

    public ClusterOptions Options { get; }

    public UpstreamDestination[] Destinations { get; }

    public HttpMessageInvoker Invoker { get; }

    public ForwarderRequestConfig RequestConfig { get; }

    public HttpTransformer Transformer { get; }

    /// <summary>Counts connection-level failures of forwarding attempts; open means the whole cluster gets 503s for a while.</summary>
    public ResiliencePipeline<ForwarderError> Breaker { get; }

    public void Dispose() => Invoker.Dispose();
}

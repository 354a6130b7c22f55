using Gateway.FrontDoor.Logging;
using Gateway.OpenAi;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.FrontDoor.Routing;

/// <summary>
/// Forwards a request to one destination of a cluster with YARP's direct forwarder (responses stream through
/// unbuffered, flushed per chunk). A destination that cannot be reached is marked unhealthy and the next one is
/// tried, but only while nothing has been sent to the client and the failure happened before the upstream got the request.
/// </summary>
internal sealed class UpstreamForwarder(IHttpForwarder forwarder, TimeProvider time, ILogger<UpstreamForwarder> logger)
{
    private static readonly TimeSpan s_noDestinationRetryAfter = TimeSpan.FromSeconds(2);

    public async Task ForwardAsync(HttpContext context, UpstreamCluster cluster)
    {
        ulong tried = 0;
        var anyTried = false;
        while (DestinationSelector.Pick(cluster, tried, time.GetTimestamp()) is { } destination)
        {
            tried |= 1UL << destination.Index;
            anyTried = true;
            if (context.Request.Body.CanSeek)
            {
                context.Request.Body.Position = 0;
            }

            ForwarderError error;
            destination.Enter();
            try
            {
                error = await cluster.Breaker.ExecuteAsync(
                    static (state, token) => state.Forwarder.SendAsync(
                        state.Context, state.Destination.Address, state.Cluster.Invoker, state.Cluster.RequestConfig,
                        state.Cluster.Transformer, token),
                    (Forwarder: forwarder, Context: context, Destination: destination, Cluster: cluster),
                    context.RequestAborted).ConfigureAwait(false);
            }
            catch (BrokenCircuitException ex)
            {
                await OpenAiErrorResults.WriteAsync(
                    context, StatusCodes.Status503ServiceUnavailable,
                    $"The upstream cluster '{cluster.Name}' is failing; requests to it are paused.",
                    OpenAiErrorTypes.Server, code: "upstream_unavailable",
                    retryAfter: ex.RetryAfter ?? cluster.Options.BreakerBreakDuration).ConfigureAwait(false);
                return;
            }
            finally
            {
                destination.Exit();
            }

            if (error == ForwarderError.None || context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
            {
                return;
            }

            var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
            if (error is ForwarderError.Request or ForwarderError.RequestTimedOut)
            {
                destination.MarkPassiveFailure(time.GetTimestamp() + (long)(cluster.Options.HealthCheck.PassiveReactivationPeriod.TotalSeconds * time.TimestampFrequency));
            }

            if (!NeverReachedUpstream(error, exception))
            {
                // The upstream may have started generating; replaying elsewhere could double the work. YARP set 502/504.
                return;
            }

            FrontDoorLog.UpstreamAttemptFailed(logger, cluster.Name, destination.Name, error.ToString(), exception);
            context.Features.Set<IForwarderErrorFeature>(null);
            context.Response.StatusCode = StatusCodes.Status200OK;
        }

        await OpenAiErrorResults.WriteAsync(
            context, anyTried ? StatusCodes.Status502BadGateway : StatusCodes.Status503ServiceUnavailable,
            anyTried
                ? $"No destination of upstream cluster '{cluster.Name}' could be reached."
                : $"Upstream cluster '{cluster.Name}' has no healthy destination.",
            OpenAiErrorTypes.Server, code: "upstream_unavailable", retryAfter: s_noDestinationRetryAfter).ConfigureAwait(false);
    }

    /// <summary>Only connection failures are safe to replay: the upstream cannot have seen the request.</summary>
    private static bool NeverReachedUpstream(ForwarderError error, Exception? exception) =>
        error == ForwarderError.Request
        && exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError };
}

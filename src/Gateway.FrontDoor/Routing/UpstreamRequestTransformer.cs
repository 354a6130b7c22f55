using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.FrontDoor.Routing;

/// <summary>
/// YARP's default request copy, minus the client's Authorization: a tenant's gateway key must never reach a third
/// party. The cluster's own key, when configured, is sent instead.
/// </summary>
internal sealed class UpstreamRequestTransformer(string? upstreamApiKey) : HttpTransformer
{
    public override async ValueTask TransformRequestAsync(
        HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
        proxyRequest.Headers.Authorization = string.IsNullOrEmpty(upstreamApiKey)
            ? null
            : new AuthenticationHeaderValue("Bearer", upstreamApiKey);
    }
}

using System.Net.Http.Headers;
using Gateway.FrontDoor.Requests;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.FrontDoor.Routing;

/// <summary>
/// YARP's default request copy, minus the client's Authorization: a tenant's gateway key must never reach a third
/// party. The cluster's own key, when configured, is sent instead. Responses come back uncompressed, because the
/// front door reads their <c>usage</c> on the way through.
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
        proxyRequest.Headers.AcceptEncoding.Clear();
    }

    public override async ValueTask<bool> TransformResponseAsync(
        HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var proceed = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken).ConfigureAwait(false);
        if (httpContext.Features.Get<FrontDoorRequestState>() is { AskedUpstreamForUsage: true })
        {
            // The usage chunk the client did not ask for is removed, so a declared length would no longer hold.
            httpContext.Response.ContentLength = null;
        }

        return proceed;
    }
}

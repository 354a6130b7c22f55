using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.FrontDoor.Tests.Infrastructure;

/// <summary>
/// Test double of an OpenAI-compatible server: streams SSE chat chunks, holding the last one until the test releases
/// it, and answers GET /readyz. Records what it received.
/// </summary>
internal sealed class FakeOpenAiUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;
    private bool _stopped;

    private FakeOpenAiUpstream(WebApplication app, string address)
    {
        _app = app;
        Address = address;
    }

    public string Address { get; }

    public int Requests => Volatile.Read(ref _requests);

    public string? LastAuthorization { get; private set; }

    /// <summary>When set, the stream's final chunk waits for it.</summary>
    public TaskCompletionSource? HoldFinalChunk { get; set; }

    public static async Task<FakeOpenAiUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeOpenAiUpstream? self = null;
        app.MapGet("/readyz", () => "ready");
        app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            var upstream = self!;
            Interlocked.Increment(ref upstream._requests);
            upstream.LastAuthorization = context.Request.Headers.Authorization.ToString();
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            if (upstream.HoldFinalChunk is { } hold)
            {
                await hold.Task.WaitAsync(context.RequestAborted);
            }

            await context.Response.WriteAsync("data: {\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}\n\ndata: [DONE]\n\n", context.RequestAborted);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        self = new FakeOpenAiUpstream(app, address);
        return self;
    }

    /// <summary>Stops listening: new connections are refused, like a killed pod.</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }
}

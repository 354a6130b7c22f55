using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SpikeReplay.Tests;

/// <summary>
/// Test double for the gateway on 127.0.0.1: streams a fixed number of SSE tokens with delays, or refuses with
/// 503 + Retry-After when the prompt contains "REFUSE" or every Nth request, or 500 when it contains "BREAK".
/// </summary>
internal sealed class FakeGateway : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private FakeGateway(WebApplication app, FakeGatewayBehaviour behaviour)
    {
        _app = app;
        Behaviour = behaviour;
    }

    public FakeGatewayBehaviour Behaviour { get; }

    public Uri BaseUrl { get; private set; } = null!;

    public int RequestsSeen => Volatile.Read(ref _requests);

    public static async Task<FakeGateway> StartAsync(FakeGatewayBehaviour behaviour)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var gateway = new FakeGateway(app, behaviour);
        app.MapPost("/v1/completions", context => gateway.HandleAsync(context, chat: false));
        app.MapPost("/v1/chat/completions", context => gateway.HandleAsync(context, chat: true));
        app.MapGet("/v1/models", () => Results.Json(new { @object = "list", data = new[] { new { id = "fake-model" } } }));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.Single();
        gateway.BaseUrl = new Uri(address);
        return gateway;
    }

    private async Task HandleAsync(HttpContext context, bool chat)
    {
        var number = Interlocked.Increment(ref _requests);
        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        var prompt = chat
            ? body.RootElement.GetProperty("messages")[0].GetProperty("content").GetString()!
            : body.RootElement.GetProperty("prompt").GetString()!;
        if (!body.RootElement.GetProperty("stream").GetBoolean())
        {
            context.Response.StatusCode = 400;
            return;
        }

        if (prompt.Contains("BREAK", StringComparison.Ordinal))
        {
            context.Response.StatusCode = 500;
            await context.Response.WriteAsync("""{"error":{"message":"boom","type":"server_error"}}""");
            return;
        }

        if (prompt.Contains("REFUSE", StringComparison.Ordinal) ||
            (Behaviour.RefuseEveryNth > 0 && number % Behaviour.RefuseEveryNth == 0))
        {
            context.Response.StatusCode = 503;
            context.Response.Headers.RetryAfter = "1";
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"error":{"message":"queue full","type":"server_busy"}}""");
            return;
        }

        context.Response.ContentType = "text/event-stream";
        await context.Response.WriteAsync(": stream opened\n\n");
        await context.Response.Body.FlushAsync();
        await Task.Delay(Behaviour.FirstTokenDelay);
        for (var i = 0; i < Behaviour.Tokens; i++)
        {
            if (i > 0)
            {
                await Task.Delay(Behaviour.TokenGap);
            }

            var chunk = chat
                ? $"{{\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"t{i} \"}}}}]}}"
                : $"{{\"choices\":[{{\"index\":0,\"text\":\"t{i} \"}}]}}";
            await context.Response.WriteAsync($"data: {chunk}\n\n");
            await context.Response.Body.FlushAsync();
        }

        var finish = chat
            ? """{"choices":[{"index":0,"delta":{},"finish_reason":"length"}]}"""
            : """{"choices":[{"index":0,"text":"","finish_reason":"length"}]}""";
        await context.Response.WriteAsync($"data: {finish}\n\ndata: [DONE]\n\n");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>How the fake gateway answers.</summary>
internal sealed record FakeGatewayBehaviour(int Tokens, TimeSpan FirstTokenDelay, TimeSpan TokenGap, int RefuseEveryNth = 0);

using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.FrontDoor.Tests.Infrastructure;

/// <summary>A real Kestrel on 127.0.0.1 (free port) with the front door in front of tiny test endpoints.</summary>
internal sealed class FrontDoorTestHost : IAsyncDisposable
{
    private FrontDoorTestHost(WebApplication app, Uri address)
    {
        App = app;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>Starts a host; without <paramref name="mapEndpoints"/> it serves an echo POST /v1/chat/completions.</summary>
    public static async Task<FrontDoorTestHost> StartAsync(
        IDictionary<string, string?> configuration,
        Action<IServiceCollection>? configureServices = null,
        Action<WebApplication>? mapEndpoints = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("FRONTDOOR_TEST_LOGS") == "1")
        {
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Debug);
        }

        builder.Services.AddGatewayFrontDoor(builder.Configuration);
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseGatewayFrontDoor();
        app.MapGet("/healthz", () => "ok");
        if (mapEndpoints is null)
        {
            app.MapPost("/v1/chat/completions", EchoAsync);
        }
        else
        {
            mapEndpoints(app);
        }

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new FrontDoorTestHost(app, new Uri(address));
    }

    /// <summary>Answers with the body it received, proving the front door rewound it.</summary>
    public static async Task EchoAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        await context.Response.WriteAsJsonAsync(new { received = body }, context.RequestAborted);
    }

    public static HttpRequestMessage ChatRequest(string? apiKey = null, string model = "local-model", int? maxTokens = 16, string prompt = "hi")
    {
        var body = maxTokens is null
            ? (object)new { model, messages = new[] { new { role = "user", content = prompt } } }
            : new { model, max_tokens = maxTokens, messages = new[] { new { role = "user", content = prompt } } };
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(body) };
        if (apiKey is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        }

        return request;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

using Gateway.Api;
using System.ClientModel;
using Gateway.Engine.Gguf;
using Gateway.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenAI;

namespace Gateway.Api.Tests.Infrastructure;

/// <summary>
/// The API over the real serving core and the real engine (stories260K), on a real Kestrel bound to 127.0.0.1 with an
/// ephemeral port: what an SDK talks to in production, minus the front door.
/// </summary>
public sealed class GatewayServer : IAsyncDisposable
{
    public const string ModelName = "stories260K";

    private GatewayServer(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public IGenerationService Generation => App.Services.GetRequiredService<IGenerationService>();

    public OpenAIClient OpenAi => new(new ApiKeyCredential("sk-test"), new OpenAIClientOptions { Endpoint = new Uri(BaseAddress, "/v1") });

    public static async Task<GatewayServer> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var defaults = new Dictionary<string, string?>
        {
            ["Serving:KvCacheMemoryMiB"] = "16",
            ["Serving:MaxBatchTokens"] = "256",
            ["Api:MaxRequestBodyBytes"] = "65536",
            ["Api:MaxTokensCap"] = "400",
            // Tests share two cores with other test assemblies: latency-based shedding would make them flaky. The
            // serving tests cover SLO admission itself.
            ["Admission:Enabled"] = "false",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            defaults[k] = v;
        }

        builder.Configuration.AddInMemoryCollection(defaults);
        var runnerOptions = new ModelRunnerOptions { ModelName = ModelName, Threads = 2 };
        builder.Configuration.GetSection("Serving").Bind(runnerOptions);
        builder.Services.AddSingleton(ModelRunnerFactory.Load(TestModels.Path("stories260K.gguf"), runnerOptions));
        builder.Services.AddGatewayServing(builder.Configuration);
        builder.Services.AddOpenAiApi(builder.Configuration);
        var app = builder.Build();
        app.MapOpenAiApi();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new GatewayServer(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

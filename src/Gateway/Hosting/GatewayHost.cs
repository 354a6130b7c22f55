using Gateway.Api;
using Gateway.Api.Endpoints;
using Gateway.Engine.Gguf;
using Gateway.FrontDoor;
using Gateway.FrontDoor.Routing;
using Gateway.Inference;
using Gateway.Models;
using Gateway.Observability;
using Gateway.Observability.Metrics;
using Gateway.Serving;

namespace Gateway.Hosting;

/// <summary>
/// Composes the gateway: the request path reads top to bottom — front door (auth, limits, routing, drain), then the
/// OpenAI API, which submits to the serving core's queue and scheduler, which drive the engine's model runner.
/// </summary>
internal static class GatewayHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        // appsettings.json ships beside the binary; resolving it from there keeps the defaults (URL, log levels) in force
        // whatever directory the gateway is started from.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        // `--model PATH` is the documented switch; ASP.NET Core's own switches (--urls, --Section:Key=value) keep working.
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string> { ["--model"] = "Model:Path", ["-m"] = "Model:Path" });
        var configuration = builder.Configuration;

        IModelRunner runner;
        try
        {
            var source = new ModelSourceOptions();
            configuration.GetSection(ModelSourceOptions.SectionName).Bind(source);
            var path = new ModelLocator(source, Console.Error).Resolve(null);
            var serving = new ServingOptions();
            configuration.GetSection(ServingOptions.SectionName).Bind(serving);
            runner = ModelEngines.Load(path, EngineOptions.From(source, serving), configuration);
        }
        catch (Exception ex) when (ex is ModelLoadException or InvalidOperationException or IOException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 2;
        }

        builder.Services.AddSingleton(runner);
        builder.Services.AddGatewayTelemetry(configuration);
        builder.Services.AddGatewayServing(configuration);
        builder.Services.AddOpenAiApi(configuration);
        builder.Services.AddGatewayFrontDoor(configuration);
        builder.Services.AddSingleton<ILocalModelCatalog, LocalModelCatalog>();
        builder.Services.AddSingleton<IModelCatalogSource, UpstreamModelCatalogSource>();
        builder.Services.AddSingleton<HttpPathWarmup>();
        builder.Services.AddHostedService(static sp => sp.GetRequiredService<HttpPathWarmup>());
        builder.Services.AddHealthChecks()
            .AddCheck<DrainReadinessHealthCheck>("drain", tags: [OpenAiApiExtensions.ReadyTag])
            .AddCheck<WarmupReadinessHealthCheck>("warmup", tags: [OpenAiApiExtensions.ReadyTag]);

        await using var app = builder.Build();
        app.UseGatewayFrontDoor();
        app.UseMiddleware<FrontDoorApiBridgeMiddleware>();
        app.MapPrometheusMetrics("/metrics");
        app.MapOpenAiApi();
        await app.RunAsync().ConfigureAwait(false);
        return 0;
    }
}

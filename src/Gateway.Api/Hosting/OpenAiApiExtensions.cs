using Microsoft.AspNetCore.Builder;
using Gateway.Api.Endpoints;
using Gateway.Api.Hosting;
using Gateway.Api.Prompting;
using Gateway.OpenAi;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gateway.Api;

/// <summary>Registration of the OpenAI-compatible API: <c>AddOpenAiApi</c> for services, <c>MapOpenAiApi</c> for endpoints.</summary>
public static class OpenAiApiExtensions
{
    /// <summary>Health-check tag of the checks behind <c>/readyz</c>.</summary>
    public const string ReadyTag = "ready";

    public static IServiceCollection AddOpenAiApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiOptions>()
            .Bind(configuration.GetSection(ApiOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>());
        services.TryAddSingleton<ChatPromptBuilder>();
        services.TryAddSingleton<GenerationSubmitter>();
        services.AddSingleton<IModelCatalogSource, LocalModelCatalogSource>();
        services.AddSingleton<ApiMarker>();
        services.AddHealthChecks().AddCheck<ModelReadyHealthCheck>("model", tags: [ReadyTag]);
        return services;
    }

    /// <summary>Maps /v1 endpoints, /healthz and /readyz, and puts every error into OpenAI's shape.</summary>
    public static IEndpointRouteBuilder MapOpenAiApi(this WebApplication app)
    {
        if (app.Services.GetService<ApiMarker>() is null)
        {
            throw new InvalidOperationException("Call services.AddOpenAiApi(configuration) before app.MapOpenAiApi().");
        }

        app.UseMiddleware<OpenAiExceptionMiddleware>();
        var v1 = app.MapGroup("/v1");
        v1.MapPost("/chat/completions", ChatCompletionsEndpoint.HandleAsync);
        v1.MapPost("/completions", CompletionsEndpoint.HandleAsync);
        v1.MapGet("/models", ModelsEndpoint.List);
        v1.MapGet("/models/{id}", ModelsEndpoint.Get);
        v1.MapFallback(context => OpenAiErrorResults.WriteAsync(context, StatusCodes.Status404NotFound,
            $"Unknown request URL: {context.Request.Method} {context.Request.Path}.", OpenAiErrorTypes.InvalidRequest, null, "unknown_url"));

        // Liveness says only that the process answers; readiness that the model is loaded and we are not draining.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        return app;
    }

    /// <summary>Proves <see cref="AddOpenAiApi"/> ran.</summary>
    private sealed class ApiMarker;
}

using System.Diagnostics.Metrics;
using Gateway.Inference;
using Microsoft.Extensions.DependencyInjection;
using Gateway.Serving.Diagnostics;
using Gateway.Serving.Queue;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Serving;

/// <summary>Registers the serving core.</summary>
public static class ServingServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IGenerationService"/> and the hosted service that runs its scheduler loop, bound to the
    /// <c>Serving</c>, <c>Admission</c> and <c>Drain</c> sections and validated at start. The host must register the
    /// <see cref="IModelRunner"/> singleton.
    /// </summary>
    public static IServiceCollection AddGatewayServing(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ServingOptions>().Bind(configuration.GetSection(ServingOptions.SectionName)).ValidateOnStart();
        services.AddOptions<AdmissionOptions>().Bind(configuration.GetSection(AdmissionOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ServingOptions>, ServingOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AdmissionOptions>, AdmissionOptionsValidator>());
        services.AddMetrics();

        services.TryAddSingleton(sp => new ServingMetrics(
            sp.GetService<IMeterFactory>(),
            sp.GetRequiredService<IModelRunner>().Info.Name));
        services.TryAddSingleton<IAdmissionPolicy>(sp =>
        {
            var admission = sp.GetRequiredService<IOptions<AdmissionOptions>>().Value;
            return admission.Enabled
                ? new SloAdmissionPolicy(TimeSpan.FromMilliseconds(admission.SloTtftMilliseconds * admission.Headroom), admission.MissBudget)
                : new OpenAdmissionPolicy();
        });
        services.TryAddSingleton(sp => new GenerationService(
            sp.GetRequiredService<IModelRunner>(),
            sp.GetRequiredService<IOptions<ServingOptions>>().Value,
            sp.GetRequiredService<IAdmissionPolicy>(),
            sp.GetRequiredService<ServingMetrics>(),
            sp.GetRequiredService<ILogger<GenerationService>>()));
        services.TryAddSingleton<IGenerationService>(sp => sp.GetRequiredService<GenerationService>());
        services.AddHostedService<ServingHostedService>();
        return services;
    }
}

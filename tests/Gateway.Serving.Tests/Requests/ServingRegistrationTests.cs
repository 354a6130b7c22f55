using Gateway.Serving;
using Gateway.Inference;
using Gateway.Serving.Tests.TestDoubles;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Gateway.Serving.Tests.Requests;

public sealed class ServingRegistrationTests
{
    [Fact]
    public async Task AddGatewayServing_binds_configuration_and_the_hosted_service_serves()
    {
        await using var provider = Build(new Dictionary<string, string?>
        {
            ["Serving:MaxWaitingRequests"] = "7",
            ["Admission:Enabled"] = "false",
        });
        var hosted = provider.GetServices<IHostedService>().ToList();
        foreach (var service in hosted)
        {
            await service.StartAsync(default);
        }

        var generation = provider.GetRequiredService<IGenerationService>();
        var completion = await ServingHarness.CollectAsync(
            generation.Submit(ServingHarness.Request("di", [2, 3], 3), default).Stream!);

        Assert.Equal(7, provider.GetRequiredService<IOptions<ServingOptions>>().Value.MaxWaitingRequests);
        Assert.Equal(3, completion.Usage!.CompletionTokens);
        foreach (var service in hosted)
        {
            await service.StopAsync(default);
        }

        Assert.False(generation.Snapshot().Accepting);
    }

    [Fact]
    public async Task Invalid_settings_are_all_reported_together()
    {
        await using var provider = Build(new Dictionary<string, string?>
        {
            ["Serving:MaxRunningSequences"] = "0",
            ["Serving:MaxWaitingRequests"] = "-1",
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ServingOptions>>().Value);

        Assert.Contains(error.Failures, f => f.Contains("MaxRunningSequences", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("MaxWaitingRequests", StringComparison.Ordinal));
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IModelRunner>(new HashingRunner(TestTokenizer.Letters(eosEndsGeneration: false), 16, 64));
        services.AddGatewayServing(configuration);
        return services.BuildServiceProvider();
    }
}

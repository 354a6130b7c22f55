using Gateway.Observability;
using System.Diagnostics;
using Gateway.Observability.Tracing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Exporter;
using OpenTelemetry.Trace;

namespace Gateway.Observability.Tests.Tracing;

// Activity listeners are process-wide: every tracer-provider test lives in this one class so that xunit runs them
// one after another and a provider of one test never records the spans of another.
public sealed class TracingTests
{
    [Fact]
    public async Task Tracing_is_off_without_an_endpoint()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        builder.Services.AddGatewayTracing(Configuration());
        using var host = builder.Build();
        using var source = NewSource();

        await host.StartAsync();

        Assert.False(host.Services.GetRequiredService<GatewayTracingOptions>().Enabled);
        Assert.Null(host.Services.GetService<TracerProvider>());
        Assert.False(source.HasListeners());
        Assert.Null(source.StartActivity(GatewayActivitySources.Spans.Admission));
        await host.StopAsync();
    }

    [Theory]
    [InlineData("Tracing:SamplingRatio", "1.5")]
    [InlineData("Tracing:ServiceName", " ")]
    public void Invalid_settings_are_refused_at_start_up(string key, string value)
    {
        var services = new ServiceCollection();

        var error = Assert.Throws<InvalidOperationException>(() => services.AddGatewayTracing(Configuration((key, value))));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tracing_section_endpoint_wins_over_the_standard_variable()
    {
        var options = GatewayTracingOptions.FromConfiguration(Configuration(
            ("Tracing:OtlpEndpoint", "http://collector:4317"),
            ("Tracing:OtlpProtocol", "HttpProtobuf"),
            ("Tracing:ServiceName", "gw"),
            (GatewayTracingOptions.StandardEndpointVariable, "http://other:4317")));

        Assert.Equal(new Uri("http://collector:4317"), options.OtlpEndpoint);
        Assert.Equal(OtlpExportProtocol.HttpProtobuf, options.OtlpProtocol);
        Assert.Equal("gw", options.ServiceName);
    }

    [Fact]
    public void Standard_variable_enables_tracing_when_the_section_is_absent()
    {
        var options = GatewayTracingOptions.FromConfiguration(Configuration(
            (GatewayTracingOptions.StandardEndpointVariable, "http://otel:4317")));

        Assert.True(options.Enabled);
        Assert.Equal(new Uri("http://otel:4317"), options.OtlpEndpoint);
    }

    [Fact]
    public async Task Our_spans_are_children_of_the_request_span()
    {
        var exported = new List<Activity>();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        builder.Services.AddGatewayTracing(Configuration(), tracing => tracing.AddInMemoryExporter(exported));
        using var source = NewSource();
        using (var host = builder.Build())
        {
            await host.StartAsync();
            Assert.NotNull(host.Services.GetService<TracerProvider>());
            using (var request = GatewayActivitySources.Api.StartActivity(GatewayActivitySources.Spans.Request))
            {
                using (source.StartActivity(GatewayActivitySources.Spans.Queue))
                {
                }

                using (source.StartActivity(GatewayActivitySources.Spans.Prefill))
                {
                }
            }

            await host.StopAsync();
        }

        Assert.Equal(
            [GatewayActivitySources.Spans.Queue, GatewayActivitySources.Spans.Prefill, GatewayActivitySources.Spans.Request],
            exported.Select(a => a.DisplayName));
        var root = exported[2];
        Assert.Equal(GatewayActivitySources.ApiName, root.Source.Name);
        Assert.All(exported.Take(2), child => Assert.Equal(root.SpanId, child.ParentSpanId));
    }

    [Fact]
    public async Task Hosted_tracing_exports_over_otlp_and_flushes_when_the_host_is_disposed()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        builder.Services.AddGatewayTracing(Configuration(
            ("Tracing:OtlpEndpoint", receiver.BaseAddress.ToString()),
            ("Tracing:OtlpProtocol", "HttpProtobuf"),
            ("Tracing:ServiceName", "gateway-under-test")));
        using var source = NewSource();
        using (var host = builder.Build())
        {
            await host.StartAsync();
            Assert.NotNull(host.Services.GetService<TracerProvider>());
            using (source.StartActivity(GatewayActivitySources.Spans.Decode))
            {
            }

            // No wait here: the batch processor exports on a multi-second schedule, so the span is out this early only
            // if disposing the host (which disposes the provider) flushes it.
            await host.StopAsync();
        }

        Assert.True(receiver.Received(GatewayActivitySources.Spans.Decode));
        Assert.True(receiver.Received("gateway-under-test"));
    }

    /// <summary>Matches the provider's "Gateway.*" subscription while staying distinct from every other test's source.</summary>
    private static ActivitySource NewSource() => new("Gateway.Tests." + Guid.NewGuid().ToString("N"));

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();
}

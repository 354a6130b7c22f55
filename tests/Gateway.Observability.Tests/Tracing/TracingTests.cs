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
    public void Tracing_is_off_without_an_endpoint()
    {
        var options = GatewayTracingOptions.FromConfiguration(Configuration());
        using var source = NewSource();

        using var provider = GatewayTracerProviderFactory.Create(options);

        Assert.False(options.Enabled);
        Assert.Null(provider);
        Assert.False(source.HasListeners());
        Assert.Null(source.StartActivity(GatewayActivitySources.Spans.Request));
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

    [Theory]
    [InlineData("http://c:4318", OtlpExportProtocol.HttpProtobuf, "http://c:4318/v1/traces")]
    [InlineData("http://c:4318/", OtlpExportProtocol.HttpProtobuf, "http://c:4318/v1/traces")]
    [InlineData("http://c:4318/base", OtlpExportProtocol.HttpProtobuf, "http://c:4318/base/v1/traces")]
    [InlineData("http://c:4318/v1/traces", OtlpExportProtocol.HttpProtobuf, "http://c:4318/v1/traces")]
    [InlineData("http://c:4317", OtlpExportProtocol.Grpc, "http://c:4317/")]
    public void Http_endpoints_get_the_traces_path(string configured, OtlpExportProtocol protocol, string expected) =>
        Assert.Equal(new Uri(expected), GatewayTracerProviderFactory.ExporterEndpoint(new Uri(configured), protocol));

    [Fact]
    public async Task Enabled_provider_records_gateway_spans_with_their_parents()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var exported = new List<Activity>();
        var options = new GatewayTracingOptions { OtlpEndpoint = receiver.BaseAddress, OtlpProtocol = OtlpExportProtocol.HttpProtobuf };
        using var source = NewSource();

        using (var provider = GatewayTracerProviderFactory.Create(options, builder => builder.AddInMemoryExporter(exported)))
        {
            Assert.NotNull(provider);
            using (var request = GatewayActivitySources.Api.StartActivity(GatewayActivitySources.Spans.Request))
            {
                using (source.StartActivity(GatewayActivitySources.Spans.Queue))
                {
                }

                using (source.StartActivity(GatewayActivitySources.Spans.Prefill))
                {
                }
            }
        }

        Assert.Equal(
            [GatewayActivitySources.Spans.Queue, GatewayActivitySources.Spans.Prefill, GatewayActivitySources.Spans.Request],
            exported.Select(a => a.DisplayName));
        var root = exported[2];
        Assert.Equal(GatewayActivitySources.ApiName, root.Source.Name);
        Assert.All(exported.Take(2), child => Assert.Equal(root.SpanId, child.ParentSpanId));
    }

    [Fact]
    public async Task Hosted_tracing_exports_over_otlp_and_flushes_on_shutdown()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        builder.Services.AddGatewayTracing(Configuration(
            ("Tracing:OtlpEndpoint", receiver.BaseAddress.ToString()),
            ("Tracing:OtlpProtocol", "HttpProtobuf"),
            ("Tracing:ServiceName", "gateway-under-test")));
        using var host = builder.Build();
        using var source = NewSource();

        await host.StartAsync();
        Assert.NotNull(host.Services.GetRequiredService<TracerProviderLifetime>().Provider);
        using (source.StartActivity(GatewayActivitySources.Spans.Decode))
        {
        }

        // No wait here: the batch processor exports on a multi-second schedule, so the span is out this early only
        // if stopping the host flushes it.
        await host.StopAsync();

        Assert.True(receiver.Received(GatewayActivitySources.Spans.Decode));
        Assert.True(receiver.Received("gateway-under-test"));
        Assert.Null(host.Services.GetRequiredService<TracerProviderLifetime>().Provider);
    }

    [Fact]
    public async Task Hosted_tracing_without_endpoint_attaches_no_listener()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        builder.Services.AddGatewayTracing(Configuration());
        using var host = builder.Build();
        using var source = NewSource();

        await host.StartAsync();

        Assert.Null(host.Services.GetRequiredService<TracerProviderLifetime>().Provider);
        Assert.Null(source.StartActivity(GatewayActivitySources.Spans.Admission));
        await host.StopAsync();
    }

    /// <summary>Matches the provider's "Gateway.*" subscription while staying distinct from every other test's source.</summary>
    private static ActivitySource NewSource() => new("Gateway.Tests." + Guid.NewGuid().ToString("N"));

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();
}

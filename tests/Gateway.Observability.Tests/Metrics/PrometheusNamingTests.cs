using Gateway.Observability.Metrics;

namespace Gateway.Observability.Tests.Metrics;

public sealed class PrometheusNamingTests
{
    [Theory]
    // Our own instruments are already Prometheus names and must stay as they are.
    [InlineData("gateway_time_to_first_token_seconds", "s", false, "gateway_time_to_first_token_seconds")]
    [InlineData("gateway_prompt_tokens_total", "{token}", true, "gateway_prompt_tokens_total")]
    [InlineData("gateway_kv_cache_usage_ratio", "1", false, "gateway_kv_cache_usage_ratio")]
    [InlineData("gateway_num_requests_running", "{request}", false, "gateway_num_requests_running")]
    [InlineData("gateway_engine_batch_size", null, false, "gateway_engine_batch_size")]
    // OpenTelemetry semantic-convention names from ASP.NET Core and the runtime.
    [InlineData("http.server.request.duration", "s", false, "http_server_request_duration_seconds")]
    [InlineData("http.server.active_requests", "{request}", false, "http_server_active_requests")]
    [InlineData("kestrel.active-connections", "{connection}", false, "kestrel_active_connections")]
    [InlineData("aspnetcore.rate_limiting.requests", "{request}", true, "aspnetcore_rate_limiting_requests_total")]
    [InlineData("dotnet.gc.heap.total_allocated", "By", true, "dotnet_gc_heap_total_allocated_bytes_total")]
    [InlineData("dotnet.process.cpu.time", "s", true, "dotnet_process_cpu_time_seconds_total")]
    [InlineData("dotnet.process.memory.working_set", "By", false, "dotnet_process_memory_working_set_bytes")]
    // Unit suffix goes before _total; an existing suffix is not repeated.
    [InlineData("busy_seconds_total", "s", true, "busy_seconds_total")]
    [InlineData("busy_total", "s", true, "busy_seconds_total")]
    [InlineData("copy.duration", "ms", false, "copy_duration_milliseconds")]
    [InlineData("net.throughput", "By/s", false, "net_throughput_bytes_per_second")]
    [InlineData("token.rate", "{token}/s", false, "token_rate_per_second")]
    [InlineData("load", "%", false, "load_percent")]
    [InlineData("9lives", null, false, "_9lives")]
    [InlineData("a..b--c", null, false, "a_b_c")]
    [InlineData("ns:metric", null, false, "ns:metric")]
    // Gauges must not end like the series of a histogram; counters cannot, they end in _total.
    [InlineData("dotnet.assembly.count", "{assembly}", false, "dotnet_assembly_count_value")]
    [InlineData("pool.sum", null, false, "pool_sum_value")]
    [InlineData("dotnet.gc.collections.count", "{collection}", true, "dotnet_gc_collections_count_total")]
    public void Converts_instrument_names(string instrument, string? unit, bool isCounter, string expected) =>
        Assert.Equal(expected, PrometheusNaming.MetricName(instrument, unit, isCounter));

    [Fact]
    public void Histograms_keep_names_ending_in_reserved_words() =>
        Assert.Equal("batch_count", PrometheusNaming.MetricName("batch.count", null, isCounter: false, isHistogram: true));

    [Theory]
    [InlineData("http.request.method", "http_request_method")]
    [InlineData("model", "model")]
    [InlineData("__name__", "tag__name__")]
    [InlineData("ns:x", "ns_x")]
    public void Converts_tag_keys_to_label_names(string tagKey, string expected) =>
        Assert.Equal(expected, PrometheusNaming.LabelName(tagKey));
}

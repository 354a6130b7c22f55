using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Gateway.Serving.Diagnostics;
using Gateway.Serving.Tests.TestDoubles;

namespace Gateway.Serving.Tests.Diagnostics;

/// <summary>The instruments the dashboards and HPA read are published under their contract names.</summary>
public sealed class ServingMetricsTests
{
    [Fact]
    public async Task Serving_a_request_records_the_contract_instruments_with_the_model_label()
    {
        var runner = new HashingRunner(TestTokenizer.Letters(eosEndsGeneration: false), 16, 64);
        ConcurrentDictionary<string, List<(double Value, string? Model)>> seen = new();
        using var listener = new MeterListener();
        using var meters = new ScopedMeterFactory();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Other tests run in parallel with meters of the same name: listen to this test's meter only.
            if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Meter.Name == ServingMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(seen, i, v, tags));
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(seen, i, v, tags));
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(seen, i, v, tags));
        listener.Start();

        await using var harness = new ServingHarness(runner, meterFactory: meters);
        await harness.RunAsync(ServingHarness.Request("m", [2, 3, 4, 5], 5));
        listener.RecordObservableInstruments();

        foreach (var name in new[]
        {
            "gateway_time_to_first_token_seconds", "gateway_inter_token_latency_seconds", "gateway_e2e_request_latency_seconds",
            "gateway_request_queue_time_seconds", "gateway_request_prefill_time_seconds", "gateway_request_decode_time_seconds",
            "gateway_prompt_tokens_total", "gateway_generation_tokens_total", "gateway_prefix_cache_queries_total",
            "gateway_num_requests_running", "gateway_num_requests_waiting", "gateway_kv_cache_usage_ratio",
        })
        {
            Assert.True(seen.ContainsKey(name), $"{name} was not recorded");
            Assert.All(seen[name], m => Assert.Equal(runner.Info.Name, m.Model));
        }

        foreach (var name in new[] { "gateway_engine_step_duration_seconds", "gateway_engine_batch_size", "gateway_engine_step_tokens" })
        {
            Assert.True(seen.ContainsKey(name), $"{name} was not recorded");
            Assert.All(seen[name], m => Assert.Null(m.Model));
        }

        Assert.Equal(4, seen["gateway_inter_token_latency_seconds"].Count);
        Assert.Equal(5, seen["gateway_generation_tokens_total"].Sum(m => m.Value));
    }

    private static void Record(ConcurrentDictionary<string, List<(double, string?)>> seen, Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? model = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "model")
            {
                model = (string?)tag.Value;
            }
        }

        var list = seen.GetOrAdd(instrument.Name, _ => []);
        lock (list)
        {
            list.Add((value, model));
        }
    }
}

using System.Diagnostics.Metrics;
using Gateway.Serving.Diagnostics;

namespace Gateway.Serving.Tests.Diagnostics;

/// <summary>
/// gateway_demand_ratio sees the load that latency admission refuses, reads near zero when idle and holds still at a
/// steady load. All timing is simulated (<see cref="ServingSimulation"/>), so every figure is exact and repeatable.
/// </summary>
public sealed class DemandGaugeTests
{
    /// <summary>The HPA's target for the gauge (deploy/k8s/overlays/prod/gateway-hpa.yaml, averageValue).</summary>
    private const double HpaTarget = 0.8;

    /// <summary>The offered rate's time constant in seconds (5 s, the ServiceMonitor's scrape interval).</summary>
    private static readonly double Tau = DemandGaugeSettings.Default.OfferedTimeConstant.TotalSeconds;

    /// <summary>The refused-work average's time constant in seconds.</summary>
    private static readonly double RefusedTau = DemandGaugeSettings.Default.RefusedTimeConstant.TotalSeconds;

    [Fact]
    public void Closed_loop_overload_reads_above_the_hpa_target_and_idle_reads_below_a_tenth_of_it()
    {
        var simulation = new ServingSimulation();
        simulation.AddClosedLoopClients(32);

        simulation.Run(60);

        // Admission is doing its job (refusing a large share)...
        Assert.InRange(simulation.Refused, simulation.Offered / 3, simulation.Offered);
        // ...and the gauge still sees the whole demand: offered tokens over the engine's 1,000 tokens/s.
        var overload = simulation.Gauge.Ratio();
        Assert.True(overload > HpaTarget, $"overload reads {overload:F2}");
        Assert.InRange(simulation.Gauge.CapacityTokensPerSecond(), 0.95 * ServingSimulation.CapacityTokensPerSecond, ServingSimulation.CapacityTokensPerSecond);

        simulation.StopClients();
        simulation.Run(60);

        var idle = simulation.Gauge.Ratio();
        Assert.True(idle < HpaTarget / 10, $"idle reads {idle:F4}");
    }

    [Fact]
    public void A_backlog_reads_as_demand_even_when_closed_loop_clients_stop_sending()
    {
        // Admission off: all 32 clients are admitted and wait on their streams, so arrivals only match completions.
        var simulation = new ServingSimulation(admission: false);
        simulation.AddClosedLoopClients(32);

        simulation.Run(60);

        Assert.Equal(0, simulation.Refused);
        var reading = simulation.Gauge.Ratio();
        Assert.True(reading > 1.0, $"an overloaded closed loop reads {reading:F2}");
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(4.0)]
    public void Under_overload_the_ratio_is_the_offered_multiple_of_capacity_refusals_included(double multiple)
    {
        var simulation = new ServingSimulation();
        var requestsPerSecond = multiple * ServingSimulation.CapacityTokensPerSecond / simulation.OfferedTokensPerRequest;
        simulation.SetOpenLoopRate(requestsPerSecond);

        simulation.Run(90);

        Assert.True(simulation.Refused > simulation.Offered / 3, "admission should refuse most of an overload");
        // Plus a little for the few requests admission lets wait (at most 500 ms of prefill).
        Assert.Equal(multiple, simulation.Gauge.Ratio(), multiple * 0.06);
    }

    [Fact]
    public void A_steady_load_reads_its_utilisation_without_flapping()
    {
        var simulation = new ServingSimulation();
        simulation.SetOpenLoopRate(5); // 5 x 96 tokens = 48 % of 1,000 tokens/s
        simulation.Run(60); // warm-up: a few capacity samples and ten time constants of smoothing
        var readings = new List<double>();

        simulation.Run(120, readings.Add);

        // A pod that has not been saturated lately measures its capacity at this load's smaller batches, which use the
        // engine less efficiently, so the ratio reads somewhat above the true 0.48 (never below it: the error is on
        // the side of more replicas; here 0.65, still under the target). It must sit still: within 5 % between its lowest and highest second.
        var utilisation = 5 * simulation.OfferedTokensPerRequest / ServingSimulation.CapacityTokensPerSecond;
        Assert.All(readings, r => Assert.InRange(r, utilisation * 0.97, HpaTarget));
        Assert.True(readings.Max() / readings.Min() < 1.05, $"readings {readings.Min():F3}..{readings.Max():F3}");
    }

    [Fact]
    public void A_spike_crosses_the_target_with_tolerance_within_one_hpa_sync_period()
    {
        var simulation = new ServingSimulation();
        simulation.SetOpenLoopRate(2); // baseline: about 0.2 of capacity
        simulation.Run(60);
        simulation.SetOpenLoopRate(20); // 10x: about 1.9 of capacity
        var readings = new List<double>();

        simulation.Run(15, readings.Add);

        // The HPA scales up once metric / target > 1 + tolerance (0.1).
        Assert.True(readings[^1] > HpaTarget * 1.1, $"after 15 s the gauge reads {readings[^1]:F2}");
    }

    [Fact]
    public void A_step_in_offered_work_shows_63_percent_by_the_next_scrape()
    {
        // The ServiceMonitor scrapes every 5 s and the HPA syncs on the newest sample, so the time constant is one
        // scrape interval: a step shows 1 - e^-1 of itself in the first scrape after it.
        var time = new ManualTimeProvider();
        var gauge = new DemandGauge(time, DemandGaugeSettings.Default);
        for (var i = 0; i < 50; i++)
        {
            time.Advance(0.1);
            gauge.RecordOffered(promptTokens: 60, maxTokens: 40, refused: false); // 1,000 tokens/s from t = 0
        }

        gauge.RecordStep(5.0, 5000); // capacity 1,000 tokens/s, measured now so its half-life has not begun

        // 100 tokens every 0.1 s on a 5 s average: 20 (1 - e^-1) / (1 - e^-0.02) = 638.5 tokens/s, 0.64 of capacity.
        // On a 10 s average it would read 0.40.
        Assert.Equal(0.6385, gauge.Ratio(), 3);
    }

    [Fact]
    public void Refusals_lift_the_gauge_past_the_threshold_within_seconds_and_it_falls_back_on_the_offered_average()
    {
        var simulation = new ServingSimulation();
        simulation.SetOpenLoopRate(2);
        simulation.Run(60);
        simulation.SetOpenLoopRate(20);
        var spike = new List<double>();

        simulation.Run(60, spike.Add);

        // Two seconds in, admission has refused for about a second. The reading is 1.24; it would be 1.10 without the
        // refused-work lead (RefusedTimeConstant set to OfferedTimeConstant) and 0.76 on a 10 s average alone, under
        // the HPA's threshold of 0.88.
        Assert.True(spike[1] > 1.2, $"2 s into the spike the gauge reads {spike[1]:F2}");
        // At the spike's steady state both averages of refused work agree: the reading is the offered multiple.
        var multiple = 20 * simulation.OfferedTokensPerRequest / ServingSimulation.CapacityTokensPerSecond;
        Assert.Equal(multiple, spike[^1], multiple * 0.06);

        simulation.SetOpenLoopRate(2);
        var after = new List<double>();
        simulation.Run(10, after.Add);

        // Back at 0.2 of capacity, the reading decays on the offered average: e^(-10 s / tau) of the excess is left.
        var baseline = 2 * simulation.OfferedTokensPerRequest / ServingSimulation.CapacityTokensPerSecond;
        var expected = baseline + ((spike[^1] - baseline) * Math.Exp(-10 / Tau));
        Assert.Equal(expected, after[^1], expected * 0.1);
    }

    [Fact]
    public void A_refusal_counts_on_the_short_average_only_while_refusals_grow()
    {
        var time = new ManualTimeProvider();
        var gauge = new DemandGauge(time, DemandGaugeSettings.Default);
        gauge.RecordOffered(promptTokens: 100, maxTokens: 50, refused: true);

        // Just refused: the 3 s average leads, 150/3 against 150/5; the offered-work term holds all 150 on 5 s.
        Assert.Equal((150 / Tau) + ((150 / RefusedTau) - (150 / Tau)), gauge.OfferedTokensPerSecond(), 6);

        time.Advance(10);
        // The short average has decayed below the long one: only the offered average is left.
        Assert.Equal(150 / Tau * Math.Exp(-10 / Tau), gauge.OfferedTokensPerSecond(), 6);
    }

    [Fact]
    public void Reads_zero_until_capacity_is_measured_and_counts_max_tokens_until_requests_have_generated()
    {
        var time = new ManualTimeProvider();
        var gauge = new DemandGauge(time, DemandGaugeSettings.Default);
        gauge.RecordOffered(promptTokens: 100, maxTokens: 50);

        Assert.Equal(0, gauge.Ratio());
        Assert.Equal(150 / Tau, gauge.OfferedTokensPerSecond(), 6); // mass 150 over the time constant

        gauge.RecordStep(5.0, 2500); // one full capacity sample: 500 tokens per busy second
        Assert.Equal(500, gauge.CapacityTokensPerSecond(), 6);
        Assert.Equal(150 / Tau / 500, gauge.Ratio(), 6);

        time.Advance(300); // one capacity half-life, sixty offered time constants
        Assert.Equal(250, gauge.CapacityTokensPerSecond(), 6);
        Assert.True(gauge.Ratio() < 1e-9);
    }

    [Fact]
    public void Expected_generation_is_the_recent_mean_capped_by_max_tokens()
    {
        var time = new ManualTimeProvider();
        var gauge = new DemandGauge(time, DemandGaugeSettings.Default);
        gauge.RecordStarted();
        gauge.RecordGenerated(40); // requests generate 40 tokens on average

        gauge.RecordOffered(promptTokens: 10, maxTokens: 1000);
        Assert.Equal(50 / Tau, gauge.OfferedTokensPerSecond(), 6);

        gauge.RecordOffered(promptTokens: 10, maxTokens: 5);
        Assert.Equal((50 + 15) / Tau, gauge.OfferedTokensPerSecond(), 6);
    }

    [Fact]
    public void Serving_metrics_publish_the_gauge_under_its_contract_name_with_the_model_label()
    {
        var time = new ManualTimeProvider();
        using var meters = new OwnMeterFactory();
        using var metrics = new ServingMetrics(meters, "m", time);
        metrics.Demand.RecordOffered(100, 100);
        metrics.RecordStep(1, 2, 2, batchSize: 4, tokens: 2500); // 5 s of steps at 500 tokens/s
        var seen = new List<(double Value, object? Model)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Name == DemandGauge.MetricName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) => seen.Add((value, tags.ToArray().Single(t => t.Key == "model").Value)));
        listener.Start();

        listener.RecordObservableInstruments();

        var (reading, model) = Assert.Single(seen);
        Assert.Equal("m", model);
        Assert.Equal(200 / Tau / 500, reading, 6);
    }

    private sealed class OwnMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }
}

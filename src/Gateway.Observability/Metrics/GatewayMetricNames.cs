namespace Gateway.Observability.Metrics;

/// <summary>
/// The one list of the gateway's metric families: the instruments are created with these names, the exporter publishes
/// them under exactly these names, the test suite pins a real scrape to <see cref="Families"/>, and
/// <c>deploy/validate</c> reads the names from this file to check the Grafana dashboards and the Prometheus rules.
/// Names are already in Prometheus form (unit suffix, <c>_total</c> on counters), so nothing renames them on the way out.
/// </summary>
public static class GatewayMetricNames
{
    /// <summary>Meter of the serving core (queue, scheduler, engine steps).</summary>
    public const string ServingMeter = "Gateway.Serving";

    /// <summary>Meter of the front door (requests answered, rate limiting).</summary>
    public const string FrontDoorMeter = "Gateway.FrontDoor";

    // Histograms, label model.
    public const string TimeToFirstToken = "gateway_time_to_first_token_seconds";
    public const string InterTokenLatency = "gateway_inter_token_latency_seconds";
    public const string EndToEndRequestLatency = "gateway_e2e_request_latency_seconds";
    public const string RequestQueueTime = "gateway_request_queue_time_seconds";
    public const string RequestPrefillTime = "gateway_request_prefill_time_seconds";
    public const string RequestDecodeTime = "gateway_request_decode_time_seconds";

    /// <summary>Measured minus admission-predicted time to first token of admitted requests (histogram, label model).</summary>
    public const string AdmissionTtftPredictionError = "gateway_admission_ttft_prediction_error_seconds";

    // Gauges, label model.
    public const string NumRequestsRunning = "gateway_num_requests_running";
    public const string NumRequestsWaiting = "gateway_num_requests_waiting";
    public const string KvCacheUsageRatio = "gateway_kv_cache_usage_ratio";

    /// <summary>Offered work (admitted and refused) over measured capacity, 1 = at capacity: the HPA's metric.</summary>
    public const string DemandRatio = "gateway_demand_ratio";

    // Counters, label model.
    public const string PrefixCacheQueries = "gateway_prefix_cache_queries_total";
    public const string PrefixCacheHits = "gateway_prefix_cache_hits_total";
    public const string PromptTokens = "gateway_prompt_tokens_total";
    public const string GenerationTokens = "gateway_generation_tokens_total";
    public const string NumPreemptions = "gateway_num_preemptions_total";

    /// <summary>Counter, label reason (queue_full, prompt_too_long, slo_would_break, shutting_down).</summary>
    public const string QueueRejections = "gateway_queue_rejections_total";

    /// <summary>Counter, labels status, model, tenant.</summary>
    public const string Requests = "gateway_requests_total";

    /// <summary>Counter, labels tenant and limit (one of <see cref="RateLimitKinds"/>).</summary>
    public const string RateLimited = "gateway_rate_limited_total";

    // Engine step histograms, no model label (one engine per process).
    public const string EngineStepDuration = "gateway_engine_step_duration_seconds";

    /// <summary>Histogram, label phase (schedule, forward, sample).</summary>
    public const string EngineStepPhaseDuration = "gateway_engine_step_phase_duration_seconds";
    public const string EngineBatchSize = "gateway_engine_batch_size";
    public const string EngineStepTokens = "gateway_engine_step_tokens";

    /// <summary>Counter written by the exporter itself when label cardinality overflows, label metric.</summary>
    public const string MetricsSeriesDropped = "gateway_metrics_series_dropped_total";

    /// <summary>Every family, with its Prometheus type and label names, in the order the contract lists them.</summary>
    public static IReadOnlyList<GatewayMetricFamily> Families { get; } =
    [
        new(TimeToFirstToken, GatewayMetricType.Histogram, [Labels.Model]),
        new(InterTokenLatency, GatewayMetricType.Histogram, [Labels.Model]),
        new(EndToEndRequestLatency, GatewayMetricType.Histogram, [Labels.Model]),
        new(RequestQueueTime, GatewayMetricType.Histogram, [Labels.Model]),
        new(RequestPrefillTime, GatewayMetricType.Histogram, [Labels.Model]),
        new(RequestDecodeTime, GatewayMetricType.Histogram, [Labels.Model]),
        new(AdmissionTtftPredictionError, GatewayMetricType.Histogram, [Labels.Model]),
        new(NumRequestsRunning, GatewayMetricType.Gauge, [Labels.Model]),
        new(NumRequestsWaiting, GatewayMetricType.Gauge, [Labels.Model]),
        new(KvCacheUsageRatio, GatewayMetricType.Gauge, [Labels.Model]),
        new(DemandRatio, GatewayMetricType.Gauge, [Labels.Model]),
        new(PrefixCacheQueries, GatewayMetricType.Counter, [Labels.Model]),
        new(PrefixCacheHits, GatewayMetricType.Counter, [Labels.Model]),
        new(PromptTokens, GatewayMetricType.Counter, [Labels.Model]),
        new(GenerationTokens, GatewayMetricType.Counter, [Labels.Model]),
        new(NumPreemptions, GatewayMetricType.Counter, [Labels.Model]),
        new(QueueRejections, GatewayMetricType.Counter, [Labels.Reason]),
        new(Requests, GatewayMetricType.Counter, [Labels.Model, Labels.Status, Labels.Tenant]),
        new(RateLimited, GatewayMetricType.Counter, [Labels.Limit, Labels.Tenant]),
        new(EngineStepDuration, GatewayMetricType.Histogram, []),
        new(EngineStepPhaseDuration, GatewayMetricType.Histogram, [Labels.Phase]),
        new(EngineBatchSize, GatewayMetricType.Histogram, []),
        new(EngineStepTokens, GatewayMetricType.Histogram, []),
        new(MetricsSeriesDropped, GatewayMetricType.Counter, [Labels.Metric]),
    ];

    /// <summary>Label names.</summary>
    public static class Labels
    {
        public const string Model = "model";
        public const string Status = "status";
        public const string Tenant = "tenant";
        public const string Limit = "limit";
        public const string Reason = "reason";
        public const string Phase = "phase";
        public const string Metric = "metric";
    }

    /// <summary>Values of the <c>limit</c> label of <see cref="RateLimited"/>.</summary>
    public static class RateLimitKinds
    {
        public const string Requests = "requests";
        public const string Tokens = "tokens";
        public const string Concurrency = "concurrency";
    }
}

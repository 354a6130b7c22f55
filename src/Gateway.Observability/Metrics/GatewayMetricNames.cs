namespace Gateway.Observability.Metrics;

/// <summary>
/// Canonical metric names, already in Prometheus form so the exporter keeps them verbatim. Gateway.Serving cannot
/// reference this project and repeats the strings; dashboards and alerts are written against these.
/// </summary>
public static class GatewayMetricNames
{
    /// <summary>Meter name used by the API layer.</summary>
    public const string ApiMeter = "Gateway.Api";

    /// <summary>Meter name used by the front door.</summary>
    public const string FrontDoorMeter = "Gateway.FrontDoor";

    /// <summary>Meter name used by the serving layer.</summary>
    public const string ServingMeter = "Gateway.Serving";

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

    /// <summary>Counter, labels status, model, tenant.</summary>
    public const string Requests = "gateway_requests_total";

    /// <summary>Counter, labels tenant and limit (one of <see cref="RateLimitKinds"/>).</summary>
    public const string RateLimited = "gateway_rate_limited_total";

    /// <summary>Histogram of engine step wall time.</summary>
    public const string EngineStepDuration = "gateway_engine_step_duration_seconds";

    /// <summary>Histogram of sequences per step, buckets <see cref="GatewayHistogramBuckets.BatchSize"/>.</summary>
    public const string EngineBatchSize = "gateway_engine_batch_size";

    /// <summary>Histogram of tokens per step, buckets <see cref="GatewayHistogramBuckets.StepTokens"/>.</summary>
    public const string EngineStepTokens = "gateway_engine_step_tokens";

    /// <summary>Counter, label reason.</summary>
    public const string QueueRejections = "gateway_queue_rejections_total";

    /// <summary>Counter written by the exporter itself when label cardinality overflows, label metric.</summary>
    public const string MetricsSeriesDropped = "gateway_metrics_series_dropped_total";

    /// <summary>Label names.</summary>
    public static class Labels
    {
        public const string Model = "model";
        public const string Status = "status";
        public const string Tenant = "tenant";
        public const string Limit = "limit";
        public const string Reason = "reason";
    }

    /// <summary>Values of the <c>limit</c> label of <see cref="RateLimited"/>.</summary>
    public static class RateLimitKinds
    {
        public const string Requests = "requests";
        public const string Tokens = "tokens";
        public const string Concurrency = "concurrency";
    }
}

using System.Diagnostics.Metrics;
using Gateway.Observability.Metrics;

namespace Gateway.Serving.Diagnostics;

/// <summary>
/// The serving core's instruments on Meter "Gateway.Serving", named as the dashboards and HPA expect (see the config
/// contract). Per-request figures carry the model label; engine-step figures do not. Histogram buckets are advised
/// for LLM latencies, from sub-millisecond CPU decode steps to minute-long generations.
/// </summary>
internal sealed class ServingMetrics : IDisposable
{
    public const string MeterName = GatewayMetricNames.ServingMeter;

    private static readonly double[] FirstTokenBuckets =
        [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80];

    private static readonly double[] InterTokenBuckets =
        [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 10];

    private static readonly double[] RequestPhaseBuckets =
        [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960];

    private static readonly double[] StepBuckets =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private static readonly double[] PredictionErrorBuckets =
        [-5, -2.5, -1, -0.5, -0.25, -0.1, -0.05, -0.025, 0, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private static readonly int[] BatchSizeBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

    private static readonly int[] StepTokenBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192];

    private readonly Meter _meter;
    private readonly KeyValuePair<string, object?> _modelTag;
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Histogram<double> _interTokenLatency;
    private readonly Histogram<double> _endToEnd;
    private readonly Histogram<double> _queueTime;
    private readonly Histogram<double> _prefillTime;
    private readonly Histogram<double> _decodeTime;
    private readonly Histogram<double> _ttftPredictionError;
    private readonly Counter<long> _prefixQueries;
    private readonly Counter<long> _prefixHits;
    private readonly Counter<long> _promptTokens;
    private readonly Counter<long> _generationTokens;
    private readonly Counter<long> _queueRejections;
    private readonly Counter<long> _preemptions;
    private readonly Histogram<double> _stepDuration;
    private readonly Histogram<double> _stepPhaseDuration;
    private readonly Histogram<int> _batchSize;
    private readonly Histogram<int> _stepTokens;
    private int _running;
    private int _waiting;
    private double _kvUsage;

    public ServingMetrics(IMeterFactory? meterFactory, string model, TimeProvider? time = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _modelTag = new("model", model);
        _timeToFirstToken = Seconds(GatewayMetricNames.TimeToFirstToken, "Time from enqueue to the first generated token.", FirstTokenBuckets);
        _interTokenLatency = Seconds(GatewayMetricNames.InterTokenLatency, "Time between consecutive generated tokens of a request.", InterTokenBuckets);
        _endToEnd = Seconds(GatewayMetricNames.EndToEndRequestLatency, "Time from enqueue to the end of generation.", RequestPhaseBuckets);
        _queueTime = Seconds(GatewayMetricNames.RequestQueueTime, "Time from enqueue to first scheduling.", RequestPhaseBuckets);
        _prefillTime = Seconds(GatewayMetricNames.RequestPrefillTime, "Time from first scheduling to the first token.", RequestPhaseBuckets);
        _decodeTime = Seconds(GatewayMetricNames.RequestDecodeTime, "Time from the first token to the last.", RequestPhaseBuckets);
        _ttftPredictionError = Seconds(
            GatewayMetricNames.AdmissionTtftPredictionError,
            "Measured minus predicted time to first token of admitted requests (admission's prediction, checked).",
            PredictionErrorBuckets);
        _prefixQueries = _meter.CreateCounter<long>(GatewayMetricNames.PrefixCacheQueries, "{token}", "Prompt tokens looked up in the prefix cache.");
        _prefixHits = _meter.CreateCounter<long>(GatewayMetricNames.PrefixCacheHits, "{token}", "Prompt tokens found in the prefix cache.");
        _promptTokens = _meter.CreateCounter<long>(GatewayMetricNames.PromptTokens, "{token}", "Prompt tokens of finished requests.");
        _generationTokens = _meter.CreateCounter<long>(GatewayMetricNames.GenerationTokens, "{token}", "Generated tokens.");
        _queueRejections = _meter.CreateCounter<long>(GatewayMetricNames.QueueRejections, "{request}", "Requests refused at submit, by reason.");
        _preemptions = _meter.CreateCounter<long>(GatewayMetricNames.NumPreemptions, "{sequence}", "Sequences preempted for KV blocks and recomputed later.");
        _meter.CreateObservableGauge(GatewayMetricNames.NumRequestsRunning, () => new Measurement<int>(Volatile.Read(ref _running), _modelTag), "{request}", "Requests in the running batch.");
        _meter.CreateObservableGauge(GatewayMetricNames.NumRequestsWaiting, () => new Measurement<int>(Volatile.Read(ref _waiting), _modelTag), "{request}", "Requests accepted but not scheduled.");
        _meter.CreateObservableGauge(GatewayMetricNames.KvCacheUsageRatio, () => new Measurement<double>(Volatile.Read(ref _kvUsage), _modelTag), "1", "Fraction of KV blocks referenced by running sequences.");
        _stepDuration = _meter.CreateHistogram(GatewayMetricNames.EngineStepDuration, "s", "Duration of one engine step.", tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = StepBuckets });
        _stepPhaseDuration = _meter.CreateHistogram(GatewayMetricNames.EngineStepPhaseDuration, "s", "Engine step time by phase: schedule, forward, sample (includes detokenize and stop checks).", tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = StepBuckets });
        _batchSize = _meter.CreateHistogram(GatewayMetricNames.EngineBatchSize, "{sequence}", "Sequences in one engine step.", tags: null, new InstrumentAdvice<int> { HistogramBucketBoundaries = BatchSizeBuckets });
        Demand = DemandGauge.Register(_meter, _modelTag, time ?? TimeProvider.System, () => Volatile.Read(ref _waiting));
        _stepTokens = _meter.CreateHistogram(GatewayMetricNames.EngineStepTokens, "{token}", "Tokens (decode plus prefill) in one engine step.", tags: null, new InstrumentAdvice<int> { HistogramBucketBoundaries = StepTokenBuckets });
    }

    /// <summary>Offered work over measured capacity (the HPA's metric), fed by the recorders below and by submit.</summary>
    public DemandGauge Demand { get; }

    public void RecordTimeToFirstToken(double seconds)
    {
        _timeToFirstToken.Record(seconds, _modelTag);
        Demand.RecordStarted();
    }

    public void RecordTtftPredictionError(double seconds) => _ttftPredictionError.Record(seconds, _modelTag);

    public void RecordInterTokenLatency(double seconds) => _interTokenLatency.Record(seconds, _modelTag);

    public void RecordFinished(double endToEndSeconds, double decodeSeconds, int promptTokens)
    {
        _endToEnd.Record(endToEndSeconds, _modelTag);
        _decodeTime.Record(decodeSeconds, _modelTag);
        _promptTokens.Add(promptTokens, _modelTag);
    }

    public void RecordScheduled(double queueSeconds) => _queueTime.Record(queueSeconds, _modelTag);

    public void RecordPrefill(double prefillSeconds) => _prefillTime.Record(prefillSeconds, _modelTag);

    public void RecordPrefixLookup(int queriedTokens, int hitTokens)
    {
        _prefixQueries.Add(queriedTokens, _modelTag);
        _prefixHits.Add(hitTokens, _modelTag);
    }

    public void RecordGeneratedTokens(int tokens)
    {
        _generationTokens.Add(tokens, _modelTag);
        Demand.RecordGenerated(tokens);
    }

    public void RecordRejection(RefusalReason reason) => _queueRejections.Add(1, new KeyValuePair<string, object?>("reason", ReasonLabel(reason)));

    public void RecordPreemption() => _preemptions.Add(1, _modelTag);

    public void RecordStep(double scheduleSeconds, double forwardSeconds, double sampleSeconds, int batchSize, int tokens)
    {
        _stepDuration.Record(scheduleSeconds + forwardSeconds + sampleSeconds);
        Demand.RecordStep(scheduleSeconds + forwardSeconds + sampleSeconds, tokens);
        if (_stepPhaseDuration.Enabled)
        {
            _stepPhaseDuration.Record(scheduleSeconds, new KeyValuePair<string, object?>("phase", "schedule"));
            _stepPhaseDuration.Record(forwardSeconds, new KeyValuePair<string, object?>("phase", "forward"));
            _stepPhaseDuration.Record(sampleSeconds, new KeyValuePair<string, object?>("phase", "sample"));
        }

        _batchSize.Record(batchSize);
        _stepTokens.Record(tokens);
    }

    public void PublishState(int running, int waiting, double kvUsageRatio)
    {
        Volatile.Write(ref _running, running);
        Volatile.Write(ref _waiting, waiting);
        Volatile.Write(ref _kvUsage, kvUsageRatio);
    }

    public void Dispose() => _meter.Dispose();

    // Labels are fixed strings so recording a rejection never formats an enum.
    private static string ReasonLabel(RefusalReason reason) => reason switch
    {
        RefusalReason.QueueFull => "queue_full",
        RefusalReason.PromptTooLong => "prompt_too_long",
        RefusalReason.SloWouldBreak => "slo_would_break",
        RefusalReason.ShuttingDown => "shutting_down",
        _ => "none",
    };

    private Histogram<double> Seconds(string name, string description, double[] buckets) =>
        _meter.CreateHistogram(name, "s", description, tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = buckets });
}

using Gateway.Observability.Metrics;
using System.Diagnostics.Metrics;

namespace Gateway.Serving.Diagnostics;

/// <summary>
/// <c>gateway_demand_ratio</c>: the work offered to this pod relative to the work it can serve, 1.0 meaning "exactly
/// at capacity". It is what the HPA scales on (see deploy/README.md).
/// <para>
/// Numerator: an exponentially weighted rate of offered tokens — prompt plus expected generation — of every request
/// that reached admission, refused ones included. Latency admission holds the waiting queue near the TTFT objective
/// however large a spike is, so queue depth stops growing exactly when the overload does; refused requests are the
/// part of the demand the queue cannot show. Expected generation is the request's <c>max_tokens</c> capped at the
/// recent mean of tokens generated per request (requests mostly stop before their limit).
/// </para>
/// <para>
/// Plus the backlog: requests accepted but not yet started (<c>gateway_num_requests_waiting</c>) times the mean
/// offered tokens per request, spread over <see cref="DemandGaugeSettings.BacklogHorizon"/>. Arrivals alone miss a
/// backlog that outlives the moving average — closed-loop clients waiting on queued streams send nothing new — and
/// work that waits is demand the pod has not met. Latency admission keeps this term small whenever it is working.
/// </para>
/// <para>
/// Denominator: the engine's measured capacity in tokens per busy second (step tokens over step time, sampled over
/// <see cref="DemandGaugeSettings.CapacitySampleBusySeconds"/> of engine time), holding the best recent sample and
/// letting it decay with <see cref="DemandGaugeSettings.CapacityHalfLife"/>. Small batches use a CPU engine poorly,
/// so the rate seen at light load understates what the pod does when busy; the held peak is the rate it reaches when
/// saturated, which is also the most that latency admission lets in. Until the first sample the ratio reads 0.
/// </para>
/// <para>
/// Smoothing: the offered rate is an exponentially weighted moving average with time constant
/// <see cref="DemandGaugeSettings.OfferedTimeConstant"/> (5 s, one scrape interval: a step in load shows 63 % at the
/// next scrape, 95 % after 15 s), evaluated at read time, so an idle pod decays towards 0 without any traffic.
/// </para>
/// <para>
/// Rising edge: refused work is demand beyond this pod's capacity beyond doubt, and admission starts refusing within
/// a second or two of a spike. So refused tokens also feed a second average with the shorter
/// <see cref="DemandGaugeSettings.RefusedTimeConstant"/>, and the gauge counts refused work at whichever of the two
/// averages is higher. While refusals grow the short one leads and adds margin at the first scrape of a spike; on the
/// way down the offered average is the higher; at a steady load both agree and the reading is unchanged.
/// </para>
/// Thread safety: submitters, the scheduler loop and the metrics reader share one lock; each call is a few
/// arithmetic operations and allocates nothing.
/// </summary>
internal sealed class DemandGauge
{
    /// <summary>The Prometheus name; also in Gateway.Observability's GatewayMetricNames (this project cannot reference it).</summary>
    public const string MetricName = GatewayMetricNames.DemandRatio;

    private readonly TimeProvider _time;
    private readonly DemandGaugeSettings _settings;
    private readonly Lock _lock = new();
    private readonly double _offeredTau;
    private readonly double _refusedTau;
    private readonly double _generationTau;
    private readonly double _capacityDecayPerSecond;
    private readonly double _backlogHorizon;
    private readonly Func<int> _waitingRequests;
    private long _lastUpdate;

    // Exponentially decayed sums: tokens offered, tokens generated, requests that started generating.
    private double _offeredMass;
    private double _refusedSlowMass;
    private double _refusedFastMass;
    private double _offeredRequestMass;
    private double _lastMeanRequestTokens;
    private double _generatedMass;
    private double _startedMass;

    // The capacity sample being filled, and the held capacity with the time it was last decayed.
    private double _sampleBusySeconds;
    private double _sampleTokens;
    private double _capacity;
    private long _capacityUpdated;

    public DemandGauge(TimeProvider time, DemandGaugeSettings settings, Func<int>? waitingRequests = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        settings.Validate();
        _time = time;
        _waitingRequests = waitingRequests ?? (static () => 0);
        _backlogHorizon = settings.BacklogHorizon.TotalSeconds;
        _settings = settings;
        _offeredTau = settings.OfferedTimeConstant.TotalSeconds;
        _refusedTau = settings.RefusedTimeConstant.TotalSeconds;
        _generationTau = settings.GenerationTimeConstant.TotalSeconds;
        _capacityDecayPerSecond = Math.Log(2) / settings.CapacityHalfLife.TotalSeconds;
        _lastUpdate = time.GetTimestamp();
        _capacityUpdated = _lastUpdate;
    }

    /// <summary>Registers the gauge on <paramref name="meter"/> under <see cref="MetricName"/>.</summary>
    public static DemandGauge Register(Meter meter, KeyValuePair<string, object?> modelTag, TimeProvider time, Func<int> waitingRequests)
    {
        ArgumentNullException.ThrowIfNull(meter);
        var gauge = new DemandGauge(time, DemandGaugeSettings.Default, waitingRequests);
        meter.CreateObservableGauge(
            MetricName,
            () => new Measurement<double>(gauge.Ratio(), modelTag),
            "1",
            "Offered work (admitted and refused, prompt plus expected generation tokens) over this pod's measured capacity; 1 = exactly at capacity.");
        return gauge;
    }

    /// <summary>A request reached admission and was admitted, or refused for lack of capacity.</summary>
    public void RecordOffered(int promptTokens, int maxTokens, bool refused = false)
    {
        lock (_lock)
        {
            Advance();
            var tokens = promptTokens + ExpectedGeneration(maxTokens);
            _offeredMass += tokens;
            _offeredRequestMass += 1;
            _lastMeanRequestTokens = _offeredMass / _offeredRequestMass;
            if (refused)
            {
                _refusedSlowMass += tokens;
                _refusedFastMass += tokens;
            }
        }
    }

    /// <summary>A request produced its first token: it counts towards the mean generated per request.</summary>
    public void RecordStarted()
    {
        lock (_lock)
        {
            Advance();
            _startedMass += 1;
        }
    }

    public void RecordGenerated(int tokens)
    {
        lock (_lock)
        {
            Advance();
            _generatedMass += tokens;
        }
    }

    /// <summary>One engine step: its wall time and the tokens (prefill plus decode) it computed.</summary>
    public void RecordStep(double seconds, int tokens)
    {
        if (!(seconds > 0))
        {
            return;
        }

        lock (_lock)
        {
            _sampleBusySeconds += seconds;
            _sampleTokens += tokens;
            if (_sampleBusySeconds < _settings.CapacitySampleBusySeconds)
            {
                return;
            }

            var sample = _sampleTokens / _sampleBusySeconds;
            _capacity = Math.Max(sample, DecayedCapacity(_time.GetTimestamp()));
            _capacityUpdated = _time.GetTimestamp();
            _sampleBusySeconds = 0;
            _sampleTokens = 0;
        }
    }

    /// <summary>Offered tokens per second as the gauge counts them: smoothed, refused work on its rising edge.</summary>
    public double OfferedTokensPerSecond()
    {
        lock (_lock)
        {
            Advance();
            return OfferedRate();
        }
    }

    /// <summary>The held capacity estimate in tokens per second; 0 before the first sample.</summary>
    public double CapacityTokensPerSecond()
    {
        lock (_lock)
        {
            return DecayedCapacity(_time.GetTimestamp());
        }
    }

    /// <summary>The published value: offered rate plus backlog rate over capacity, 0 while capacity is unmeasured.</summary>
    public double Ratio()
    {
        var waiting = Math.Max(0, _waitingRequests());
        lock (_lock)
        {
            Advance();
            var capacity = DecayedCapacity(_time.GetTimestamp());
            var backlogTokensPerSecond = waiting * _lastMeanRequestTokens / _backlogHorizon;
            return capacity > 0 ? (OfferedRate() + backlogTokensPerSecond) / capacity : 0;
        }
    }

    /// <summary>All offered work on its average, plus refused work's lead on the short average while refusals grow.</summary>
    private double OfferedRate() =>
        (_offeredMass / _offeredTau) + Math.Max(0, (_refusedFastMass / _refusedTau) - (_refusedSlowMass / _offeredTau));

    private double ExpectedGeneration(int maxTokens)
    {
        // A decayed count below one request is too little history to average over.
        if (_startedMass >= 1)
        {
            var mean = _generatedMass / _startedMass;
            return maxTokens > 0 ? Math.Min(maxTokens, mean) : mean;
        }

        return maxTokens > 0 ? maxTokens : _settings.DefaultExpectedGeneration;
    }

    private double DecayedCapacity(long now) =>
        _capacity * Math.Exp(-_capacityDecayPerSecond * _time.GetElapsedTime(_capacityUpdated, now).TotalSeconds);

    /// <summary>Decays the sums to now: the moving averages are exact for irregular event times.</summary>
    private void Advance()
    {
        var now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_lastUpdate, now).TotalSeconds;
        if (elapsed <= 0)
        {
            return;
        }

        _lastUpdate = now;
        var offeredDecay = Math.Exp(-elapsed / _offeredTau);
        _offeredMass *= offeredDecay;
        _offeredRequestMass *= offeredDecay;
        _refusedSlowMass *= offeredDecay;
        _refusedFastMass *= Math.Exp(-elapsed / _refusedTau);
        var generationDecay = Math.Exp(-elapsed / _generationTau);
        _generatedMass *= generationDecay;
        _startedMass *= generationDecay;
    }
}

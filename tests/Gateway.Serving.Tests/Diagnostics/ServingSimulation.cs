using Gateway.Serving.Diagnostics;

namespace Gateway.Serving.Tests.Diagnostics;

/// <summary>
/// A deterministic model of one pod fed to a <see cref="DemandGauge"/>, step by step on a manual clock. A step computes
/// up to <see cref="TokensPerStep"/> tokens — one decode token per running sequence, the rest chunked prefill of the
/// waiting queue — and takes 1.05 ms plus 0.9475 ms per token, so a full step runs at 1,000 tokens/s and a single decode
/// at half that, the batch-1 to full-batch ratio the CPU engine measures (gateway bench: 361 vs 691 tokens/s). Admission refuses, as the TTFT admission does, a request
/// whose prompt would queue behind more prompt tokens than the engine prefills within the 500 ms objective.
/// Clients are either closed-loop (each sends its next request when the previous one ends, or one Retry-After second
/// after a refusal) or an open-loop arrival every <c>interval</c> seconds.
/// </summary>
internal sealed class ServingSimulation
{
    public const int TokensPerStep = 20;
    public const double StepOverheadSeconds = 0.00105;
    public const double SecondsPerToken = 0.0009475;
    public const double CapacityTokensPerSecond = TokensPerStep / (StepOverheadSeconds + TokensPerStep * SecondsPerToken);
    private const double IdlePollSeconds = 0.01;
    private const int MaxRunning = 8;
    private const double SloSeconds = 0.5;
    private const double RetryAfterSeconds = 1.0;

    private readonly Queue<Sequence> _waiting = new();
    private readonly List<Sequence> _running = [];
    private readonly List<double> _clientReadyAt = [];
    private long _queuedPromptTokens;
    private double _nextOpenArrival = double.PositiveInfinity;
    private double _openInterval;

    private readonly bool _admission;

    public ServingSimulation(int promptTokens = 64, int generatedTokens = 32, bool admission = true)
    {
        PromptTokens = promptTokens;
        GeneratedTokens = generatedTokens;
        _admission = admission;
        Gauge = new DemandGauge(Time, DemandGaugeSettings.Default, () => _waiting.Count);
    }

    public ManualTimeProvider Time { get; } = new();

    public DemandGauge Gauge { get; }

    public int PromptTokens { get; }

    public int GeneratedTokens { get; }

    public long Offered { get; private set; }

    public long Refused { get; private set; }

    public double OfferedTokensPerRequest => PromptTokens + GeneratedTokens;

    /// <summary>Adds closed-loop clients that start sending now.</summary>
    public void AddClosedLoopClients(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _clientReadyAt.Add(Time.Seconds);
        }
    }

    /// <summary>Stops every client (closed and open loop); work already admitted still finishes.</summary>
    public void StopClients()
    {
        _clientReadyAt.Clear();
        _nextOpenArrival = double.PositiveInfinity;
    }

    public void SetOpenLoopRate(double requestsPerSecond)
    {
        _openInterval = 1.0 / requestsPerSecond;
        _nextOpenArrival = Time.Seconds;
    }

    /// <summary>Runs for <paramref name="seconds"/>, calling <paramref name="everySecond"/> at each whole second.</summary>
    public void Run(double seconds, Action<double>? everySecond = null)
    {
        var end = Time.Seconds + seconds;
        var nextReading = Math.Floor(Time.Seconds) + 1;
        while (Time.Seconds < end - 1e-9)
        {
            Arrivals();
            var tokens = Step();
            var duration = tokens > 0 ? StepOverheadSeconds + tokens * SecondsPerToken : IdlePollSeconds;
            Time.Advance(duration);
            if (tokens > 0)
            {
                Gauge.RecordStep(duration, tokens);
            }

            while (Time.Seconds >= nextReading - 1e-9)
            {
                everySecond?.Invoke(Gauge.Ratio());
                nextReading++;
            }
        }
    }

    private void Arrivals()
    {
        var now = Time.Seconds;
        for (var client = 0; client < _clientReadyAt.Count; client++)
        {
            if (_clientReadyAt[client] <= now)
            {
                _clientReadyAt[client] = Submit(client) ? double.PositiveInfinity : now + RetryAfterSeconds;
            }
        }

        while (_nextOpenArrival <= now + 1e-9)
        {
            Submit(client: -1);
            _nextOpenArrival += _openInterval;
        }
    }

    private bool Submit(int client)
    {
        Offered++;
        var estimatedTtft = (_queuedPromptTokens + PromptTokens) / CapacityTokensPerSecond;
        var refuse = _admission && _queuedPromptTokens > 0 && estimatedTtft > SloSeconds;
        Gauge.RecordOffered(PromptTokens, GeneratedTokens, refuse);
        if (refuse)
        {
            Refused++;
            return false;
        }

        _waiting.Enqueue(new Sequence(client, PromptTokens));
        _queuedPromptTokens += PromptTokens;
        return true;
    }

    /// <summary>One engine step; returns the tokens it computed.</summary>
    private int Step()
    {
        var budget = TokensPerStep;
        for (var i = _running.Count - 1; i >= 0 && budget > 0; i--)
        {
            var sequence = _running[i];
            budget--;
            sequence.Generated++;
            Gauge.RecordGenerated(1);
            if (sequence.Generated >= GeneratedTokens)
            {
                _running.RemoveAt(i);
                if (sequence.Client >= 0 && sequence.Client < _clientReadyAt.Count)
                {
                    _clientReadyAt[sequence.Client] = Time.Seconds;
                }
            }
        }

        while (budget > 0 && _waiting.Count > 0 && _running.Count < MaxRunning)
        {
            var head = _waiting.Peek();
            var chunk = Math.Min(budget, head.PromptLeft);
            head.PromptLeft -= chunk;
            budget -= chunk;
            _queuedPromptTokens -= chunk;
            if (head.PromptLeft == 0)
            {
                _waiting.Dequeue();
                _running.Add(head);
                Gauge.RecordStarted();
            }
        }

        return TokensPerStep - budget;
    }

    private sealed class Sequence(int client, int promptTokens)
    {
        public int Client { get; } = client;

        public int PromptLeft { get; set; } = promptTokens;

        public int Generated { get; set; }
    }
}

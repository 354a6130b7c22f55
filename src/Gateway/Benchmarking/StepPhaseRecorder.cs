using System.Diagnostics.Metrics;
using Gateway.Observability.Metrics;

namespace Gateway.Benchmarking;

/// <summary>Sums the serving core's per-step phase timings (schedule / forward / sample) from its meter while a benchmark runs.</summary>
internal sealed class StepPhaseRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, double> _seconds = [];
    private readonly Lock _lock = new();

    public StepPhaseRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == GatewayMetricNames.EngineStepPhaseDuration)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "phase" && tag.Value is string phase)
                {
                    lock (_lock)
                    {
                        _seconds[phase] = _seconds.GetValueOrDefault(phase) + value;
                    }
                }
            }
        });
        _listener.Start();
    }

    public IReadOnlyDictionary<string, double> Snapshot()
    {
        lock (_lock)
        {
            return new Dictionary<string, double>(_seconds);
        }
    }

    public void Reset()
    {
        lock (_lock)
        {
            _seconds.Clear();
        }
    }

    public void Dispose() => _listener.Dispose();
}

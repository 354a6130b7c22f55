using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Gateway.Serving.Diagnostics;

namespace Gateway.Serving.Tests.TestDoubles;

/// <summary>Every measurement the serving meter of one <see cref="ScopedMeterFactory"/> records, by instrument name.</summary>
internal sealed class RecordedMeasurements : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, List<double>> _values = new();

    public RecordedMeasurements(ScopedMeterFactory meters)
    {
        _listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Meter.Name == ServingMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((i, v, _, _) => Add(i, v));
        _listener.SetMeasurementEventCallback<long>((i, v, _, _) => Add(i, v));
        _listener.SetMeasurementEventCallback<int>((i, v, _, _) => Add(i, v));
        _listener.Start();
    }

    public IReadOnlyList<double> Of(string instrument)
    {
        if (!_values.TryGetValue(instrument, out var list))
        {
            return [];
        }

        lock (list)
        {
            return [.. list];
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value)
    {
        var list = _values.GetOrAdd(instrument.Name, _ => []);
        lock (list)
        {
            list.Add(value);
        }
    }
}

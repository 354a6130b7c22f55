using System.Diagnostics.Metrics;

namespace Gateway.Serving.Tests.TestDoubles;

/// <summary>Meters scoped to one test, so a listener can tell them from same-named meters of tests running in parallel.</summary>
internal sealed class ScopedMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(new MeterOptions(options.Name) { Scope = this });
        _meters.Add(meter);
        return meter;
    }

    public void Dispose() => _meters.ForEach(m => m.Dispose());
}

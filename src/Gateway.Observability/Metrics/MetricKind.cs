namespace Gateway.Observability.Metrics;

/// <summary>How an instrument is exposed and how its measurements combine within one series.</summary>
internal enum MetricKind
{
    /// <summary>Monotonic; synchronous measurements are increments.</summary>
    Counter,

    /// <summary>Monotonic; each observation is the cumulative total.</summary>
    ObservedCounter,

    /// <summary>Up-down increments (UpDownCounter).</summary>
    SummedGauge,

    /// <summary>Last written value wins (Gauge, ObservableGauge, ObservableUpDownCounter).</summary>
    LastValueGauge,

    Histogram,
}

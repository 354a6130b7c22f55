using Microsoft.Extensions.Logging;

namespace Gateway.Observability.Metrics;

/// <summary>Log events of the metrics exporter (event ids 1100-1199).</summary>
internal static partial class ExporterLog
{
    [LoggerMessage(EventId = ObservabilityEventIds.InstrumentConflict, EventName = "InstrumentConflict", Level = LogLevel.Warning,
        Message = "Instrument {InstrumentName} of meter {MeterName} is not exported: metric {MetricName} is already a {ExistingKind}, this one is a {NewKind}")]
    public static partial void InstrumentConflict(
        ILogger logger, string instrumentName, string meterName, string metricName, MetricKind existingKind, MetricKind newKind);

    [LoggerMessage(EventId = ObservabilityEventIds.SeriesOverflow, EventName = "SeriesOverflow", Level = LogLevel.Warning,
        Message = "Metric {MetricName} reached {MaxSeries} tag sets; further ones fold into the __overflow__ series")]
    public static partial void SeriesOverflow(ILogger logger, string metricName, int maxSeries);

    [LoggerMessage(EventId = ObservabilityEventIds.InstrumentExported, EventName = "InstrumentExported", Level = LogLevel.Debug,
        Message = "Exporting instrument {InstrumentName} of meter {MeterName} as {MetricName}")]
    public static partial void InstrumentExported(ILogger logger, string instrumentName, string meterName, string metricName);

    [LoggerMessage(EventId = ObservabilityEventIds.ObservableCallbackFailed, EventName = "ObservableCallbackFailed", Level = LogLevel.Error,
        Message = "Observable instrument callbacks failed during a scrape; their metrics keep the previous values")]
    public static partial void ObservableCallbackFailed(ILogger logger, Exception exception);
}

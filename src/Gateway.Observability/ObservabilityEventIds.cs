namespace Gateway.Observability;

/// <summary>Every log event id of this assembly, in one place so they never collide.</summary>
internal static class ObservabilityEventIds
{
    public const int InstrumentConflict = 1101;
    public const int SeriesOverflow = 1102;
    public const int InstrumentExported = 1103;
    public const int ObservableCallbackFailed = 1104;
}

namespace SpikeReplay.Client;

/// <summary>Receives each complete SSE event's data. The span is only valid during the call.</summary>
internal interface ISseEventSink
{
    void OnEvent(ReadOnlySpan<byte> data);
}

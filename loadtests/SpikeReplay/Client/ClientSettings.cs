namespace SpikeReplay.Client;

/// <summary>Where and how the streaming client talks to the gateway.</summary>
internal sealed record ClientSettings(
    Uri BaseUrl,
    bool Chat,
    string Model,
    string? ApiKey,
    TimeSpan RequestTimeout,
    int MaxConnections);

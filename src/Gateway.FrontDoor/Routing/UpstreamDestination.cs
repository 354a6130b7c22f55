namespace Gateway.FrontDoor.Routing;

/// <summary>One upstream server and what the front door knows about its health and load.</summary>
internal sealed class UpstreamDestination(string name, string address, int index)
{
    private int _inFlight;
    private long _passiveUnhealthyUntil;
    private volatile bool _activeHealthy = true;

    public string Name { get; } = name;

    /// <summary>Base address without a trailing slash; YARP appends the request path.</summary>
    public string Address { get; } = address.TrimEnd('/');

    /// <summary>Position in the cluster, for the tried-destinations bit mask.</summary>
    public int Index { get; } = index;

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Result of the last probe; destinations start healthy so traffic flows before the first probe.</summary>
    public bool ActiveHealthy
    {
        get => _activeHealthy;
        set => _activeHealthy = value;
    }

    public bool IsHealthy(long nowTimestamp) => _activeHealthy && nowTimestamp >= Volatile.Read(ref _passiveUnhealthyUntil);

    /// <summary>A forward failed: skip this destination until <paramref name="untilTimestamp"/>.</summary>
    public void MarkPassiveFailure(long untilTimestamp) => Volatile.Write(ref _passiveUnhealthyUntil, untilTimestamp);

    public void Enter() => Interlocked.Increment(ref _inFlight);

    public void Exit() => Interlocked.Decrement(ref _inFlight);
}

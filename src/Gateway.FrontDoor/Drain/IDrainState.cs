namespace Gateway.FrontDoor.Drain;

/// <summary>
/// Shutdown progress, for /readyz (503 while draining) and the serving layer (stop work when the deadline passes).
/// </summary>
public interface IDrainState
{
    /// <summary>True from SIGTERM on: new requests are refused, in-flight ones continue.</summary>
    bool IsDraining { get; }

    /// <summary>Cancelled when draining starts; lets background work stop taking new items.</summary>
    CancellationToken DrainStarted { get; }

    /// <summary>
    /// Cancelled when Drain:TimeoutSeconds have passed since SIGTERM with requests still in flight: pass it into
    /// generation so long streams stop before the host is torn down. In-flight HTTP requests are aborted at the same time.
    /// </summary>
    CancellationToken DrainDeadline { get; }
}

namespace Gateway.Serving.Diagnostics;

/// <summary>Every log event id of the serving core, in one place so they never collide.</summary>
internal static class ServingEventIds
{
    public const int LoopStarted = 3001;
    public const int LoopStopped = 3002;
    public const int WarmupFinished = 3003;
    public const int WarmupFailed = 3004;
    public const int RequestRefused = 3010;
    public const int RequestFinished = 3011;
    public const int SequencePreempted = 3012;
    public const int SequenceTooLongForPool = 3013;
    public const int ForwardFailed = 3020;
    public const int RequestFailed = 3021;
    public const int LoopFaulted = 3022;
    public const int DrainStarted = 3030;
    public const int DrainTimedOut = 3031;
    public const int BlockSizeMismatch = 3040;
}

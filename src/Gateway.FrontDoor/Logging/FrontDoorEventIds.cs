namespace Gateway.FrontDoor.Logging;

/// <summary>Every log event id of this assembly, in one place so they never collide.</summary>
internal static class FrontDoorEventIds
{
    public const int KeysFileLoaded = 4000;
    public const int KeysFileUnreadable = 4001;
    public const int InvalidKeyEntry = 4002;
    public const int RedisCircuitOpened = 4010;
    public const int RedisCircuitClosed = 4011;
    public const int RedisCallFailed = 4012;
    public const int TokensSettled = 4013;
    public const int UpstreamAttemptFailed = 4020;
    public const int UpstreamHealthChanged = 4021;
    public const int UpstreamCircuitOpened = 4022;
    public const int DrainStarted = 4030;
    public const int DrainDeadlineReached = 4031;
    public const int DrainCompleted = 4032;
}

namespace Gateway.Hosting;

/// <summary>Every log event id of the gateway host assembly, in one place so they never collide.</summary>
internal static class GatewayHostEventIds
{
    public const int HttpWarmupFinished = 1001;
    public const int HttpWarmupSkipped = 1002;
    public const int HttpWarmupFailed = 1003;
}

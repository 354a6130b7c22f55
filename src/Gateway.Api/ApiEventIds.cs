namespace Gateway.Api;

/// <summary>Every log event id of this assembly, in one place so they never collide.</summary>
internal static class ApiEventIds
{
    public const int NoChatTemplate = 2001;
    public const int ChatTemplateUnusable = 2002;
    public const int UnhandledException = 2003;
    public const int GenerationFailed = 2004;
    public const int ClientDisconnected = 2005;
    public const int ChatTemplateRenderFailed = 2006;
}

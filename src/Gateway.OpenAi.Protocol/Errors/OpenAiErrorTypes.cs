namespace Gateway.OpenAi;

/// <summary>The <c>type</c> values OpenAI uses; clients switch on them, so they are kept verbatim.</summary>
public static class OpenAiErrorTypes
{
    public const string InvalidRequest = "invalid_request_error";
    public const string Authentication = "authentication_error";
    public const string Permission = "permission_error";
    public const string NotFound = "not_found_error";
    public const string RateLimit = "rate_limit_error";
    public const string Server = "server_error";
    public const string Overloaded = "overloaded_error";
}

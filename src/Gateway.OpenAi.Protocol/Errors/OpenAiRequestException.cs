namespace Gateway.OpenAi;

/// <summary>
/// A client error to be answered in OpenAI's shape. Thrown while reading a request so validation code can stay linear;
/// the endpoint filter turns it into the response (it never escapes to the server's exception handling).
/// </summary>
public sealed class OpenAiRequestException : Exception
{
    public OpenAiRequestException(int statusCode, string message, string type, string? param = null, string? code = null, TimeSpan? retryAfter = null)
        : base(message)
    {
        StatusCode = statusCode;
        Type = type;
        Param = param;
        Code = code;
        RetryAfter = retryAfter;
    }

    public int StatusCode { get; }

    public string Type { get; }

    public string? Param { get; }

    public string? Code { get; }

    public TimeSpan? RetryAfter { get; }

    public static OpenAiRequestException InvalidParameter(string param, string message, string? code = "invalid_value") =>
        new(400, message, OpenAiErrorTypes.InvalidRequest, param, code);

    /// <summary>
    /// The one 413 of the gateway: the front door (before routing) and the API (for bodies it reads itself) refuse an
    /// oversized body with the same words, so a client sees one message whichever layer caught it.
    /// </summary>
    public static OpenAiRequestException RequestTooLarge(long maxBytes) =>
        new(413, $"The request body is larger than the {maxBytes} bytes this server accepts.", OpenAiErrorTypes.InvalidRequest, null, "request_too_large");
}

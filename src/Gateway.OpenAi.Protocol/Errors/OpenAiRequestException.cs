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
}

namespace Gateway.OpenAi;

public static class ApiConstants
{
    /// <summary>Identifies the serving stack; OpenAI clients log it to correlate behaviour changes with deployments.</summary>
    public const string SystemFingerprint = "fp_gateway_cpu";
}

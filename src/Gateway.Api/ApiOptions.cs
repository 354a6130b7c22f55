namespace Gateway.Api;

/// <summary>Limits of the OpenAI-compatible API (configuration section <c>Api</c>).</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>Largest accepted request body; larger ones get 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Ceiling for max_tokens / max_completion_tokens; larger values get 400.</summary>
    public int MaxTokensCap { get; set; } = 4096;

    /// <summary>Longest a request may run before it is cancelled (and its KV blocks freed); 0 disables.</summary>
    public int RequestTimeoutSeconds { get; set; } = 600;

    /// <summary>
    /// Requests the gateway sends to itself through its own HTTP endpoint (streamed and whole, completions and chat)
    /// after the engine warm-up and before <c>/readyz</c> reports ready, so the HTTP, JSON and streaming code is
    /// optimized before the first client arrives; 0 skips it. Runs only when the engine warm-up does.
    /// </summary>
    public int WarmupRequests { get; set; } = 16;

    /// <summary>Extra names clients may use for the served model (e.g. "gpt-3.5-turbo" for unmodified apps).</summary>
    public List<string> ModelAliases { get; set; } = [];
}

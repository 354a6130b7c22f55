namespace Gateway.FrontDoor.RateLimiting;

/// <summary>Which limit a request ran into; the lowercase name is the metric label and appears in the 429 message.</summary>
public enum RateLimitKind
{
    Requests,
    Tokens,
    Concurrency,
}

/// <summary>Where a decision was taken: the fleet-wide Redis buckets, or this replica's share while Redis is out.</summary>
public enum RateLimitScope
{
    Global,
    Replica,
}

/// <summary>The state of one bucket after a decision, in the terms of OpenAI's x-ratelimit-* headers.</summary>
/// <param name="Limit">Per-minute limit in this scope; 0 means unlimited (no headers are sent).</param>
/// <param name="Remaining">Whole units left now.</param>
/// <param name="Reset">Time until the bucket is full again.</param>
public readonly record struct RateLimitWindow(int Limit, int Remaining, TimeSpan Reset);

/// <summary>The outcome of an admission check against a tenant's request and token buckets.</summary>
public readonly record struct RateLimitDecision(
    bool Allowed, RateLimitKind? DeniedBy, TimeSpan RetryAfter, RateLimitWindow Requests, RateLimitWindow Tokens,
    RateLimitScope Scope);

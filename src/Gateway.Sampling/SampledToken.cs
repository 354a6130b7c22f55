namespace Gateway.Sampling;

/// <summary>A chosen token with its log-probability under the model's raw distribution (before penalties and filters).</summary>
public readonly record struct SampledToken(int Id, float Logprob, TokenLogprob[]? TopLogprobs);

/// <summary>One candidate and its log-probability.</summary>
public readonly record struct TokenLogprob(int Id, float Logprob);

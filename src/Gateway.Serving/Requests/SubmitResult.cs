namespace Gateway.Serving;

/// <summary>What <see cref="IGenerationService.Submit"/> decided.</summary>
/// <param name="Stream">The request's event stream when accepted; null when refused.</param>
/// <param name="Refusal"><see cref="RefusalReason.None"/> when accepted.</param>
/// <param name="RetryAfter">When refused, how long until a retry is likely to be accepted (zero: retrying will not help).</param>
public sealed record SubmitResult(GenerationStream? Stream, RefusalReason Refusal, TimeSpan RetryAfter)
{
    public bool Accepted => Stream is not null;
}

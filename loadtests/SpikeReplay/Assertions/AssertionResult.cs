namespace SpikeReplay.Assertions;

/// <summary>Outcome of one --assert check, with the measured value so a CI log explains a failure by itself.</summary>
internal sealed record AssertionResult(string Expression, bool Passed, string Detail);

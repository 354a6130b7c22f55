namespace Gateway.Serving.Scheduling;

/// <summary>One sequence's share of a step: the next <see cref="NumTokens"/> of its uncomputed tokens.</summary>
internal readonly record struct ScheduledChunk(SequenceState Sequence, int NumTokens);

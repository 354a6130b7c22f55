namespace Gateway.Serving.Scheduling;

/// <summary>Where a sequence is in its life; everything from <see cref="Finished"/> on holds no blocks.</summary>
internal enum SequenceStatus
{
    Waiting,
    Running,
    Finished,
}

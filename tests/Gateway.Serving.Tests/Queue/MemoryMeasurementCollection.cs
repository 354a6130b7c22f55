namespace Gateway.Serving.Tests.Queue;

/// <summary>
/// Tests that measure the managed heap run alone: other test classes allocating in parallel in the same process would
/// otherwise show up as "retained" memory.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurementCollection
{
    public const string Name = "memory measurement";
}

namespace Gateway.Kernels;

/// <summary>A data-parallel job for <see cref="ComputePool.Run{TWork}"/>: each thread does its own share.</summary>
public interface IComputeWork
{
    /// <summary>Does share <paramref name="threadIndex"/> of <paramref name="threadCount"/>; runs on every pool thread at once.</summary>
    void Execute(int threadIndex, int threadCount);
}

namespace Gateway.Inference;

/// <summary>
/// A runner that lends its compute threads to per-sequence work between two forward passes (drawing each sequence's
/// next token): they wait for the next pass anyway, and take the work up without waking other threads on the cores
/// that pass needs.
/// </summary>
public interface IComputeThreads
{
    /// <summary>Runs <paramref name="body"/> for 0 .. <paramref name="count"/> - 1 across the compute threads and returns when all are done. Same single caller as <see cref="IModelRunner.Forward"/>, never during it.</summary>
    void For(int count, Action<int> body);
}

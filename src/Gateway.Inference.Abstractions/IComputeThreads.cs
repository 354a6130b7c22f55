namespace Gateway.Inference;

/// <summary>
/// A runner that lends its compute threads to per-sequence work between two forward passes (drawing each sequence's
/// next token): threads that already wait for the next pass take it up at once, where handing it to the shared thread
/// pool woke threads that then spun on the cores the next pass needed.
/// </summary>
public interface IComputeThreads
{
    /// <summary>Runs <paramref name="body"/> for 0 .. <paramref name="count"/> - 1 across the compute threads and returns when all are done. Same single caller as <see cref="IModelRunner.Forward"/>, never during it.</summary>
    void For(int count, Action<int> body);
}

namespace Gateway.Inference;

/// <summary>
/// A model file that cannot be served: corrupt, truncated, of an unknown architecture, missing a tensor or using an
/// unsupported tensor type. The message always names the file and the problem, because it is what the operator sees
/// (the CLI prints it without a stack trace); it is raised at load time so nothing fails later mid-request.
/// </summary>
public sealed class ModelLoadException : Exception
{
    public ModelLoadException(string filePath, string problem, Exception? inner = null)
        : base($"{filePath}: {problem}", inner)
    {
        FilePath = filePath;
        Problem = problem;
    }

    public string FilePath { get; }

    public string Problem { get; }
}

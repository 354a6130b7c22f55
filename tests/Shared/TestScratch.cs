namespace Gateway.Testing;

/// <summary>
/// One temporary folder per test process for the models and exports tests write (synthetic GGUFs, ONNX folders),
/// removed when the process exits, so test runs leave nothing behind in the machine's temp folder.
/// </summary>
internal static class TestScratch
{
    private static readonly Lazy<string> Root = new(Create);

    /// <summary>A path for <paramref name="name"/> inside this process's scratch folder.</summary>
    public static string Path(string name) => System.IO.Path.Combine(Root.Value, name);

    private static string Create()
    {
        var root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"gateway-tests-{Environment.ProcessId}");
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a file still open elsewhere leaves the folder for the OS's temp cleanup.
            }
            catch (UnauthorizedAccessException)
            {
            }
        };
        return root;
    }
}

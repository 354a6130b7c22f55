namespace Gateway.Testing;

/// <summary>
/// The model files the repository carries in its top-level <c>models/</c> folder (see models/README.md). Found by
/// walking up from the test assembly to the repository root, so the tests run from any build output folder of a fresh
/// clone, with nothing beside the checkout.
/// </summary>
internal static class TestModels
{
    private static readonly Lazy<string> Directory = new(Locate);

    public static string Path(string fileName)
    {
        var path = System.IO.Path.Combine(Directory.Value, fileName);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"model file '{fileName}' is missing from {Directory.Value}", path);
    }

    private static string Locate()
    {
        // The repository root is the folder with the solution beside models/: build outputs also hold a models/ folder
        // (the gateway copies its default model next to itself), which must not be mistaken for the source.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "models");
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Gateway.sln")) && System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            $"no repository root (Gateway.sln beside models/) above {AppContext.BaseDirectory}: the tests run from the checkout's build output");
    }
}
